/**
 * The generic kind in `npm run watch`: how many events of each type, and the latest events
 * as JSON. Also {@link reducerView}, the view every kind with a synchronous reducer uses.
 */
import { type AnyGameKind, type Json, type WireFrame } from '../kind';
import type { KindWatch, WatchView } from '../watch';
import { generic, type GenericState } from './index';

/** Longest JSON shown for one event (characters). */
const EVENT_CHARS = 160;

const json = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > EVENT_CHARS ? `${s.slice(0, EVENT_CHARS - 1)}…` : s;
};

/** One event as a line: `#12 0:01:05 goal {"team":"home"}` (`t` in ms on the recording's clock). */
export function genericEventLine(f: Pick<WireFrame, 'seq' | 't' | 'type' | 'data'>): string {
  return `#${f.seq} ${clock(f.t)} ${f.type} ${json(f.data)}`;
}

/**
 * The generic state as lines: `42 events: goal 3 · tick 39`, (`+ N of other types`), then
 * the last `recentShown` events (default 5), oldest first.
 */
export function renderGeneric(s: GenericState, recentShown = 5): string[] {
  const counts = Object.entries(s.counts)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${type} ${n}`)
    .join(' · ');
  const lines = [`${s.events} event${s.events === 1 ? '' : 's'}${counts ? `: ${counts}` : ''}${s.otherTypes > 0 ? ` (+ ${s.otherTypes} of other types)` : ''}`];
  for (const e of s.recent.slice(-recentShown)) lines.push(`  ${genericEventLine(e)}`);
  return lines;
}

/**
 * A {@link WatchView} for a kind with a synchronous reducer, from `state`: `render` draws a
 * state, `event` gives the line a frame earns (state before and after it), or null. A frame
 * the kind's schema refuses is not applied (its line says so); a state the renderer cannot
 * read (not the kind's shape) is shown as one line saying so.
 */
export function reducerView<S>(kind: AnyGameKind, state: S, render: (s: S) => string[], event: (f: WireFrame, before: S, after: S) => string | null): WatchView {
  let current = state;
  return {
    async apply(frames) {
      const out: string[] = [];
      for (const f of frames) {
        if (!kind.frameSchema.safeParse(f).success) {
          out.push(`? frame ${f.seq} is not a ${kind.kind} frame: ${json({ type: f.type, data: f.data })}`);
          continue;
        }
        const before = current;
        try {
          current = (await kind.reduce(before, f)) as S;
          const line = event(f, before, current);
          if (line !== null) out.push(line);
        } catch (e) {
          current = before;
          out.push(`? frame ${f.seq} could not be applied: ${(e as Error).message}`);
        }
      }
      return out;
    },
    async lines() {
      try {
        return render(current);
      } catch (e) {
        return [`? this ${kind.kind} state cannot be shown (${(e as Error).message})`];
      }
    },
    dispose() {},
  };
}

/** The generic kind's terminal side: one line per event. */
export const genericWatch: KindWatch = {
  kind: 'generic',
  view: (state: Json) => reducerView(generic, state as unknown as GenericState, (s) => renderGeneric(s), (f) => genericEventLine(f)),
};

function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  return `${h}:${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
