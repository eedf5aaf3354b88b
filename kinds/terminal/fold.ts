/**
 * Terminal sessions: the frames convert/asciicast.ts and convert/ttyrec.ts make, folded
 * into the screen a viewer sees, by a real terminal emulator — @xterm/headless, the same
 * xterm.js version (5.5) the browser client draws with — and @xterm/addon-serialize. No VT
 * parsing of our own.
 *
 * Frames (see {@link terminalFrameSchema}): `o` output (a string written to the terminal),
 * `r` resize (`{ cols, rows }`), `m` marker (a label), `i` input (kept only on request; no
 * effect on the screen), `x` exit (asciicast v3: the status).
 *
 * State = snapshot ({@link TerminalState}): `cols`, `rows` and `screen`, a string that,
 * written to a fresh terminal of cols × rows, reproduces the screen: content, attributes and
 * cursor (the serialize addon's output, which also carries the alternate screen and the
 * terminal modes it knows), followed by what the addon does not carry and later output
 * depends on — the G0–G3 character set designations and the shift (SO/SI: NetHack draws its
 * map with `ESC ) 0` and SO/SI), the scroll region (DECSTBM), cursor visibility (DECTCEM)
 * and the current SGR pen. Those are observed through xterm's public parser hooks
 * (`terminal.parser.registerEscHandler` / `registerCsiHandler`, which leave xterm's own
 * handling in place), except SO/SI, which are single C0 bytes the hooks do not expose: the
 * last of them in the output decides. Not carried: the saved cursor (DECSC), tab stops, the
 * window title, LS2/LS3 shifts.
 *
 * xterm's `write` is asynchronous (its parser runs in later tasks), so `reduce` and `fold`
 * return Promises: restore (write `screen` to a fresh terminal) → write the frames →
 * serialize. `fold` does that once for a whole run of frames, which is what keyframes use.
 */
import { Terminal } from '@xterm/headless';
import { SerializeAddon } from '@xterm/addon-serialize';
import { DEFAULT_KEYFRAME_EVERY, type Json, type KindFold, type WireFrame } from '../kind';
import { TERMINAL_KEYFRAME_HEADROOM_BYTES, terminalInitialState, terminalKeyframeAfter, terminalMarkers, terminalMarkersFrom, type TerminalState } from './lean';

const ESC = '\x1b';
const GSETS = ['(', ')', '*', '+'] as const;

/** What the serialize addon does not carry, observed while writing. */
interface Extras {
  charsets: (string | null)[];
  shift: 'SO' | 'SI' | null;
  region: string | null;
  cursorHidden: boolean;
  pen: string[];
}

/** `CSI 0 C` / `CSI 0 D` as the serialize addon writes them for "no move". */
const ZERO_MOVE = /\x1b\[0[CD]/g;
/** SGR sequences at the end of the addon's output (before the modes it appends last). */
const TRAILING_SGR = /(?:\x1b\[[0-9;:]*m)+((?:\x1b\[\??[0-9;]*[hl])*)$/;

/** Most SGR sequences kept since the last reset (0) — programs reset the pen far more often. */
const MAX_PEN = 32;

/** A headless terminal with the hooks that fill `extras`. */
class Emulator {
  readonly term: Terminal;
  readonly serializer = new SerializeAddon();
  readonly extras: Extras = { charsets: [null, null, null, null], shift: null, region: null, cursorHidden: false, pen: [] };

  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true, logLevel: 'off' });
    this.term.loadAddon(this.serializer);
    const p = this.term.parser;
    GSETS.forEach((g, i) => {
      for (let c = 0x30; c <= 0x7e; c++) {
        const final = String.fromCharCode(c);
        p.registerEscHandler({ intermediates: g, final }, () => {
          this.extras.charsets[i] = final;
          return false;
        });
      }
    });
    const reset = () => {
      this.extras.charsets = [null, null, null, null];
      this.extras.shift = null;
      this.extras.region = null;
      this.extras.cursorHidden = false;
      this.extras.pen = [];
      return false;
    };
    p.registerEscHandler({ final: 'c' }, reset); // RIS
    p.registerCsiHandler({ intermediates: '!', final: 'p' }, reset); // DECSTR
    p.registerCsiHandler({ final: 'r' }, (params) => {
      this.extras.region = params.length === 0 ? null : params.map((x) => (Array.isArray(x) ? x[0] : x)).join(';');
      return false;
    });
    const cursorMode = (on: boolean) => (params: (number | number[])[]) => {
      if (params.some((x) => x === 25)) this.extras.cursorHidden = !on;
      return false;
    };
    p.registerCsiHandler({ prefix: '?', final: 'h' }, cursorMode(true));
    p.registerCsiHandler({ prefix: '?', final: 'l' }, cursorMode(false));
    p.registerCsiHandler({ final: 'm' }, (params) => {
      const flat = params.map((x) => (Array.isArray(x) ? x.join(':') : String(x)));
      const zero = flat.lastIndexOf('0');
      if (flat.length === 0 || (flat.length === 1 && flat[0] === '0')) this.extras.pen = [];
      else if (zero >= 0) this.extras.pen = flat.length > zero + 1 ? [flat.slice(zero + 1).join(';')] : [];
      else {
        this.extras.pen.push(flat.join(';'));
        if (this.extras.pen.length > MAX_PEN) this.extras.pen.shift();
      }
      return false;
    });
  }

  /** Queue output; SO/SI seen in it set the shift (the last one wins). */
  write(data: string): void {
    const so = data.lastIndexOf('\x0e');
    const si = data.lastIndexOf('\x0f');
    if (so >= 0 || si >= 0) this.extras.shift = so > si ? 'SO' : 'SI';
    this.term.write(data);
  }

  /** Wait until every queued write has been parsed. */
  flush(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }

  async resize(cols: number, rows: number): Promise<void> {
    await this.flush();
    this.term.resize(cols, rows);
    this.extras.region = null; // xterm resets the scroll region on resize
  }

  /** The `screen` string (call after {@link flush}). */
  serialize(): string {
    const t = this.term;
    const x = this.extras;
    // The addon writes a zero cursor move as `CSI 0 C` / `CSI 0 D` when it re-creates a
    // wrapped row; ECMA-48 reads a 0 parameter as 1, so the replayed row is off by one column
    // and keeps a stray character. Zero moves are dropped (they mean "stay").
    // Its trailing SGR (left over from the last cells it drew; the modes follow it) is dropped: the pen is set
    // below, so the string is the same however the screen was reached.
    let s = this.serializer.serialize({ scrollback: 0 }).replace(ZERO_MOVE, '').replace(TRAILING_SGR, '$1');
    x.charsets.forEach((c, i) => {
      if (c !== null) s += `${ESC}${GSETS[i]}${c}`;
    });
    if (x.shift === 'SO') s += '\x0e';
    if (x.region !== null) {
      s += `${ESC}[${x.region}r`;
      // DECSTBM homes the cursor: put it back (relative to the region in origin mode).
      const b = t.buffer.active;
      const top = Number(x.region.split(';')[0]) || 1;
      const row = t.modes.originMode ? b.cursorY - top + 2 : b.cursorY + 1;
      s += `${ESC}[${row};${b.cursorX + 1}H`;
    }
    if (x.cursorHidden) s += `${ESC}[?25l`;
    s += `${ESC}[0m`;
    for (const p of x.pen) s += `${ESC}[${p}m`;
    return s;
  }

  dispose(): void {
    this.term.dispose();
  }
}

/** Fold frames onto a state with one emulator: restore → write → serialize. */
async function fold(state: TerminalState, frames: readonly WireFrame[]): Promise<TerminalState> {
  if (frames.every((f) => f.type === 'm' || f.type === 'i' || f.type === 'x')) {
    const x = [...frames].reverse().find((f) => f.type === 'x');
    return x ? { ...state, exit: x.data as string } : state;
  }
  let { cols, rows, exit } = state;
  const emu = new Emulator(cols, rows);
  try {
    if (state.screen) emu.write(state.screen);
    for (const f of frames) {
      if (f.type === 'o') emu.write(f.data as string);
      else if (f.type === 'r') {
        const d = f.data as { cols: number; rows: number };
        cols = d.cols;
        rows = d.rows;
        await emu.resize(cols, rows);
      } else if (f.type === 'x') exit = f.data as string;
    }
    await emu.flush();
    return { cols, rows, screen: emu.serialize(), exit };
  } finally {
    emu.dispose();
  }
}

function reduce(state: TerminalState, frame: WireFrame): Promise<TerminalState> | TerminalState {
  if (frame.type === 'm' || frame.type === 'i') return state;
  if (frame.type === 'x') return { ...state, exit: frame.data as string };
  return fold(state, [frame]);
}

/**
 * Screen text of a terminal: its visible rows (right-trimmed) and the cursor, for comparing
 * two screens ("does this snapshot reproduce that screen?"). Writes `screen` to a fresh
 * terminal of the state's size.
 */
export async function screenText(state: TerminalState): Promise<string> {
  const emu = new Emulator(state.cols, state.rows);
  try {
    emu.write(state.screen);
    await emu.flush();
    return textOf(emu.term);
  } finally {
    emu.dispose();
  }
}

/** The visible rows of a terminal (right-trimmed) and `@x,y` of its cursor. */
export function textOf(term: Terminal): string {
  const b = term.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
  return `${out.join('\n')}\n@${b.cursorX},${b.cursorY}`;
}

/** The terminal fold with its emulator (no zod; kinds/terminal/index.ts adds the frame schema). */
export const terminalFold: KindFold<TerminalState> = {
  kind: 'terminal',
  keyframeEvery: DEFAULT_KEYFRAME_EVERY,
  initialState: terminalInitialState,
  reduce,
  fold,
  keyframeAfter: terminalKeyframeAfter,
  keyframeHeadroomBytes: TERMINAL_KEYFRAME_HEADROOM_BYTES,
  snapshot: (s) => s as unknown as Json,
  markers: terminalMarkers,
  markersFrom: (_state, frames, _header, earlier) => terminalMarkersFrom(frames, earlier.length),
};
