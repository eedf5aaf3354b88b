/**
 * `npm run watch` against local mode (the real handlers, tick and gateway) speaking wire
 * protocol 1.1: a viewer who starts in the middle of a recording (`--at`) is shown the
 * game's true state before its first frame — tennis, cricket, a terminal session and chess —
 * exactly as the kind's view draws the state folded from frame 0 of the same recording.
 */
import { PassThrough } from 'node:stream';
import { convertFiles } from '../../convert';
import { kindOf, stateAt } from '../../kinds';
import { watchOf } from '../../kinds/watch';
import { readInputs } from '../../scripts/ingest';
import { cleanForTerminal } from '../../scripts/watch/clean';
import { runWatch, type WatchResult } from '../../scripts/watch';
import { startLocalStack, type LocalStack } from '../support/local-stack';

jest.setTimeout(300_000);
/** Bounds a wait against a hang only; each wait ends as soon as its text arrives. */
const HANG_MS = 120_000;

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack?.close());

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > HANG_MS) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const CASES: [gameId: string, file: string, fraction: number][] = [
  ['2012-wimbledon-1701', 'samples/tennis/2012-wimbledon-points.csv', 0.6],
  ['ipl-2019-final-1181768', 'samples/cricket/ipl-2019-final-1181768.json', 0.7],
  ['nethack-nao-2012-02-16-fare', 'samples/terminal/nethack-nao-2012-02-16-fare.ttyrec', 0.5],
  ['lichess-swlhTnEl-classical', 'samples/chess/lichess-swlhTnEl-classical.pgn', 0.5],
];

test.each(CASES)('%s: a late joiner sees the true state first', async (gameId, file, fraction) => {
  const rec = convertFiles(readInputs([`${__dirname}/../../${file}`]), { gameIds: [gameId] })[0]!;
  const atMs = Math.floor(rec.header.durationMs * fraction);
  const out = sink();
  const abort = new AbortController();
  const running: Promise<WatchResult> = runWatch(
    { wsUrl: stack.wsUrl, token: () => stack.token(`late-${gameId.slice(0, 20)}`), gameId, mode: 'pvai', speed: 1, atMs, signal: abort.signal, stopGraceMs: 2000 },
    { stdout: out.stream, stderr: out.stream },
  );
  await until(() => out.text().includes('── the game at '));
  // The whole block is written at once; the joined message says where it stands.
  abort.abort();
  const result = await running;
  const S = result.joined!.positionSeq;
  expect(S).toBeGreaterThan(0);
  const kind = kindOf(rec.header.kind)!;
  const view = watchOf(kind.kind).view(kind.snapshot(await stateAt(kind, rec.header, rec.frames, S)));
  const expected = (await view.lines()).map((l) => cleanForTerminal(l));
  view.dispose();
  const lines = out.text().split('\n');
  const at = lines.findIndex((l) => l.startsWith('── the game at '));
  expect(lines.slice(at + 1, at + 1 + expected.length)).toEqual(expected);
  expect(expected.length).toBeGreaterThan(2);
});
