/**
 * The generic kind without its frame schema (kinds/generic/schema.ts): state, reducer, snapshot and markers,
 * with no zod, for functions that fold frames they already checked (kinds/folds.ts). The kind
 * with its schema is kinds/generic/index.ts `generic`.
 */
import { DEFAULT_KEYFRAME_EVERY, type KindFold, type Json, type Marker, type RecordingHeader, type WireFrame, capMarkers, jsonBytes } from '../kind';

/** Latest events kept in `recent` (also bounded by {@link RECENT_BYTES}). */
export const RECENT_EVENTS = 20;
/** Most UTF-8 JSON bytes `recent` takes; older events are dropped first (one frame may be 32 KB). */
export const RECENT_BYTES = 40 * 1024;
/** Distinct frame types counted in `counts`; further types are counted under `otherTypes`. */
export const MAX_TYPES = 100;

/** The generic state (and snapshot). */
export interface GenericState {
  /** Events seen so far. */
  events: number;
  /** Events per type (at most {@link MAX_TYPES} types). */
  counts: Record<string, number>;
  /** Events whose type did not fit in `counts`. */
  otherTypes: number;
  /** The latest events, oldest first: at most {@link RECENT_EVENTS} and {@link RECENT_BYTES}. */
  recent: { seq: number; t: number; type: string; data: Json }[];
}

function initialState(_header: RecordingHeader): GenericState {
  return { events: 0, counts: {}, otherTypes: 0, recent: [] };
}

function reduce(s: GenericState, f: WireFrame): GenericState {
  const counts = { ...s.counts };
  let otherTypes = s.otherTypes;
  if (f.type in counts || Object.keys(counts).length < MAX_TYPES) counts[f.type] = (counts[f.type] ?? 0) + 1;
  else otherTypes++;
  const recent = [...s.recent, { seq: f.seq, t: f.t, type: f.type, data: f.data as Json }];
  while (recent.length > RECENT_EVENTS) recent.shift();
  while (recent.length > 1 && jsonBytes(recent) > RECENT_BYTES) recent.shift();
  if (jsonBytes(recent) > RECENT_BYTES) recent.length = 0; // a single event too big to keep
  return { events: s.events + 1, counts, otherTypes, recent };
}

/** Markers: frames of type `marker` (label: their `label`, `text` or `name` field). */
function markers(frames: readonly WireFrame[]): Marker[] {
  const out: Marker[] = [];
  for (const f of frames) {
    if (f.type !== 'marker') continue;
    const d = (f.data ?? {}) as Record<string, unknown>;
    const label = [d.label, d.text, d.name].find((x) => typeof x === 'string' && x !== '') as string | undefined;
    out.push({ t: f.t, seq: f.seq, label: label ?? `marker ${f.seq}`, kind: 'marker' });
  }
  return capMarkers(out);
}

/** The generic kind: `kind: 'generic'` (JSON Lines logs). */
export const genericFold: KindFold<GenericState> = {
  kind: 'generic',
  keyframeEvery: DEFAULT_KEYFRAME_EVERY,
  initialState,
  reduce,
  snapshot: (s) => s as unknown as Json,
  markers,
};
