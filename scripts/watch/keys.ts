/**
 * The keyboard controls of `npm run watch` (pvai/pvp, in a terminal): raw TTY input to
 * protocol actions, on the speed ladder and seek step both clients share (client/playback.ts).
 * {@link keyCommand} is pure; {@link KeyReader} reads them from stdin. Unit-tested in
 * test/scripts/watch/keys.test.ts.
 *
 * Units: `positionMs`, `durationMs`, `toMs` are media milliseconds.
 */
import type { Readable } from 'node:stream';
import { seekStepMs, SEEK_STEP_MS, stepSpeed } from '../../client/playback';
import type { StreamStatus } from '../../protocol/messages';

/** The keys line printed when controls are on (and in `--help`). */
export const KEYS_HELP = `space pause/resume · + / - speed · ← / → seek ${SEEK_STEP_MS / 1000} s · n / p next/previous moment · q quit`;

/** Pressing `p` within this many ms after a moment goes to the one before it (ms of media time). */
export const PREVIOUS_SLACK_MS = 3000;

/** What a key press asks for. */
export type KeyCommand =
  | { action: 'pause' }
  | { action: 'resume' }
  | { action: 'speed'; speed: number }
  | { action: 'seek'; toMs: number }
  | { action: 'quit' };

/**
 * Map one key (a character or an escape sequence, see {@link splitKeys}) to a command: space
 * pause/resume (by `status`), `+`/`=` and `-`/`_` speed up/down a step of the shared ladder,
 * ← / → seek ∓/± one seek step from `positionMs` (clamped to `[0, durationMs]`), `n` / `p`
 * seek to the next marker after `positionMs` / the one before it (wire protocol 1.1
 * `markers`: seeking to a marker's `t` plays its frame next; `p` skips a marker passed less
 * than {@link PREVIOUS_SLACK_MS} ago, so pressing it again steps further back), `q` or Ctrl-C
 * quit. Anything else (a speed step that changes nothing, no marker that way) is undefined.
 */
export function keyCommand(
  key: string,
  view: { status: StreamStatus; speed: number; positionMs: number; durationMs: number; markers?: readonly { t: number }[] },
): KeyCommand | undefined {
  switch (key) {
    case 'n':
    case 'p': {
      const ts = (view.markers ?? []).map((m) => m.t);
      const to = key === 'n' ? ts.filter((t) => t > view.positionMs).sort((a, b) => a - b)[0] : ts.filter((t) => t < view.positionMs - PREVIOUS_SLACK_MS).sort((a, b) => b - a)[0];
      return to === undefined ? undefined : { action: 'seek', toMs: to };
    }
    case ' ':
      return view.status === 'paused' ? { action: 'resume' } : { action: 'pause' };
    case '+':
    case '=':
    case '-':
    case '_': {
      const speed = stepSpeed(view.speed, key === '+' || key === '=' ? 1 : -1);
      return speed === view.speed ? undefined : { action: 'speed', speed };
    }
    case '\u001b[C':
    case '\u001bOC':
    case '\u001b[D':
    case '\u001bOD':
      return { action: 'seek', toMs: seekStepMs(view.positionMs, key.endsWith('C') ? 1 : -1, view.durationMs) };
    case 'q':
    case 'Q':
    case '\u0003':
      return { action: 'quit' };
    default:
      return undefined;
  }
}

/**
 * Split one chunk of TTY input into keys: a chunk may hold several (a paste, key repeat), and
 * an arrow key is a three-character escape sequence (`ESC [ C` or `ESC O C`).
 */
export function splitKeys(chunk: string): string[] {
  return chunk.match(/\u001b(?:\[|O)[A-Za-z]|[\s\S]/gu) ?? [];
}

/**
 * Keys from a readable stream (the terminal's stdin): raw mode on a TTY while reading, each
 * key handed to `onKey` (see {@link splitKeys}); {@link KeyReader.stop} gives the terminal back.
 */
export class KeyReader {
  private reading = false;
  private readonly onData = (chunk: Buffer | string) => {
    for (const key of splitKeys(String(chunk))) this.onKey(key);
  };

  constructor(
    private readonly stdin: Readable,
    private readonly onKey: (key: string) => void,
  ) {}

  /** Whether `stdin` is a terminal (raw mode applies). */
  get isTTY(): boolean {
    return (this.stdin as { isTTY?: boolean }).isTTY === true;
  }

  /** Start reading keys (raw mode on a TTY). */
  start(): void {
    if (this.reading) return;
    this.reading = true;
    if (this.isTTY) (this.stdin as unknown as { setRawMode(on: boolean): void }).setRawMode(true);
    this.stdin.on('data', this.onData);
    this.stdin.resume();
  }

  /** Stop reading and leave raw mode; a no-op when not reading. */
  stop(): void {
    if (!this.reading) return;
    this.reading = false;
    this.stdin.off('data', this.onData);
    if (this.isTTY) (this.stdin as unknown as { setRawMode(on: boolean): void }).setRawMode(false);
    this.stdin.pause();
  }
}
