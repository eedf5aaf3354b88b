/**
 * How `npm run watch` writes one frame: a tennis or cricket line, raw terminal output, or the
 * frame as one JSON line. Pure; unit-tested in test/scripts/watch/frames.test.ts.
 */
import type { WireFrame } from '../../protocol/messages';
import { formatCricket } from './cricket';
import { formatPoint, toTennisPoint } from './tennis';

/** How one frame is written: a text line (a newline is added), raw bytes (as they are), or nothing. */
export type FrameOutput = { kind: 'line'; text: string } | { kind: 'raw'; text: string } | { kind: 'none' };

/** What {@link renderFrame} needs to know about the stream. */
export interface FrameContext {
  /** The game's kind from `joined` (`tennis`, `terminal`, `cricket`, …). */
  kind: string;
  /** Short player names for tennis lines. */
  names: readonly [string, string];
  /** `--raw`: write every frame's `data` as it is (strings) or as JSON (other values). */
  raw: boolean;
}

/**
 * Decide how a frame prints: `--raw` → its data raw; kind `terminal` type `o` (asciicast
 * output) → its data raw, other terminal types (input, resize, marker) → nothing; tennis
 * `point` frames → a {@link formatPoint} line; cricket frames → a {@link formatCricket} line;
 * anything else → the frame as one JSON line.
 */
export function renderFrame(frame: WireFrame, ctx: FrameContext): FrameOutput {
  if (ctx.raw) return { kind: 'raw', text: typeof frame.data === 'string' ? frame.data : `${JSON.stringify(frame.data)}\n` };
  if (ctx.kind === 'terminal') {
    return frame.type === 'o' && typeof frame.data === 'string' ? { kind: 'raw', text: frame.data } : { kind: 'none' };
  }
  if (ctx.kind === 'tennis' && frame.type === 'point') {
    const p = toTennisPoint(frame.data);
    if (p) return { kind: 'line', text: formatPoint(frame.t, p, ctx.names) };
  }
  if (ctx.kind === 'cricket') {
    const line = formatCricket(frame);
    if (line !== null) return { kind: 'line', text: line };
  }
  return { kind: 'line', text: JSON.stringify({ seq: frame.seq, t: frame.t, type: frame.type, data: frame.data }) };
}

/** True when frames of this kind are written raw, so status lines had better go to stderr. */
export function isRawOutput(kind: string, raw: boolean): boolean {
  return raw || kind === 'terminal';
}
