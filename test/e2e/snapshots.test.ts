/**
 * Snapshots end to end on local mode (protocol 1.1): samples of every kind — tennis, cricket,
 * chess, terminal (the NetHack ttyrec and an asciicast) and a JSON Lines log uploaded here —
 * go through the real index function (keyframes and markers beside the index) and the real
 * control function. A player who starts at `atMs` gets `joined.snapshot` at its
 * `positionSeq`, and after a seek a `state` with the snapshot at its position, each equal to
 * the kind's snapshot of the state folded from frame 0 (terminal: the same screen text and
 * cursor); `joined` carries the recording's markers and `leadMs: 0`. A rejoin from an older
 * epoch gets the current epoch's snapshot and then every frame of that epoch from there.
 * Event-driven: every wait is for a message, bounded only to catch a hang.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { recordingKey } from '../../contract/keys';
import { convertJsonl } from '../../convert/jsonl';
import { kindOf, stateAt } from '../../kinds';
import { screenText, type TerminalState } from '../../kinds/terminal';
import { serializeRecording } from '../../protocol/recording';
import type { JoinedMessage, StateMessage } from '../../protocol/server';
import { sample } from '../kinds/samples';
import { E2e, range, until } from '../support/e2e';
import type { TestClient } from '../support/ws-client';

jest.setTimeout(300_000);

/** A JSON Lines log, converted as `npm run ingest` converts it (kind `generic`). */
const JSONL = convertJsonl(
  Array.from({ length: 150 }, (_, i) => JSON.stringify({ time: i * 500, type: i % 10 === 0 ? 'marker' : i % 3 ? 'tick' : 'score', label: `moment ${i}`, n: i })).join('\n'),
  { title: 'engine log', gameId: 'snapshots-jsonl' } as Parameters<typeof convertJsonl>[1],
);

const recording = (gameId: string) => (gameId === JSONL.header.gameId ? JSONL : sample(gameId));

/** The reference snapshot state at `seq`: folded from frame 0 by the kind. */
async function reference(gameId: string, seq: number): Promise<unknown> {
  const rec = recording(gameId);
  const kind = kindOf(rec.header.kind)!;
  return kind.snapshot(await stateAt(kind, rec.header, rec.frames, seq));
}

/** The snapshot state equals the reference (terminal: as screens, text and cursor). */
async function expectSnapshot(gameId: string, snapshot: { seq: number; state: unknown } | undefined, seq: number): Promise<void> {
  expect(snapshot?.seq).toBe(seq);
  const want = await reference(gameId, seq);
  if (recording(gameId).header.kind === 'terminal') {
    expect(await screenText(snapshot!.state as TerminalState)).toBe(await screenText(want as TerminalState));
  } else {
    expect(snapshot!.state).toEqual(want);
  }
}

const seqAtOrAfter = (gameId: string, ms: number) => recording(gameId).frames.find((f) => f.t >= ms)?.seq ?? recording(gameId).frames.length;

let e2e: E2e;

beforeAll(async () => {
  e2e = await E2e.start();
  await e2e.s3.send(new PutObjectCommand({ Bucket: e2e.stack.bucket, Key: recordingKey(JSONL.header.gameId), Body: serializeRecording(JSONL.header, JSONL.frames) }));
  // Indexed once the upload's notification has run the index function: its catalog row says so.
  await until('the JSON Lines log indexed', async () => (await e2e.db.send(new GetCommand({ TableName: e2e.stack.tables.Games, Key: { gameId: JSONL.header.gameId }, ConsistentRead: true }))).Item);
});
afterEach(() => e2e.closeClients());
afterAll(() => e2e?.close());

/** Start a paused-at-atMs pvai stream: start, wait for joined. */
async function startAt(c: TestClient, gameId: string, atMs: number): Promise<JoinedMessage> {
  c.send({ action: 'start', gameId, mode: 'pvai', speed: 1, atMs });
  return c.waitFor('joined');
}

describe.each([
  ['2011-usopen-2701'],
  ['ipl-2019-final-1181768'],
  ['lichess-swlhTnEl-classical'],
  ['nethack-nao-2012-02-16-fare'],
  ['asciinema-welcome'],
  ['snapshots-jsonl'],
])('%s', (gameId) => {
  it('start at atMs and seek: joined and the seek’s state carry the snapshot folded from frame 0; joined carries the markers and leadMs 0', async () => {
    const rec = recording(gameId);
    const c = await e2e.connect(`snap-${gameId.slice(0, 20)}`);
    const atMs = rec.frames[Math.floor(rec.frames.length * 0.55)]!.t;
    const joined = await startAt(c, gameId, atMs);
    const S = seqAtOrAfter(gameId, atMs);
    expect(joined.positionSeq).toBe(S);
    await expectSnapshot(gameId, joined.snapshot, S);
    expect(joined.leadMs).toBe(0);
    const kind = kindOf(rec.header.kind)!;
    expect(joined.markers).toEqual(kind.markers(rec.frames, rec.header));
    c.send({ action: 'pause' });
    await c.waitFor('state', (m) => m.status === 'paused');
    const toMs = rec.frames[Math.floor(rec.frames.length * 0.2)]!.t;
    c.send({ action: 'seek', toMs });
    const state = (await c.waitFor('state', (m: StateMessage) => m.snapshot !== undefined)) as StateMessage;
    expect(state.positionSeq).toBe(seqAtOrAfter(gameId, toMs));
    await expectSnapshot(gameId, state.snapshot, state.positionSeq);
    c.send({ action: 'stop' });
    await c.waitFor('ended');
  });
});

it('a rejoin from an older epoch: the current epoch’s snapshot, then every frame of that epoch from there to the end', async () => {
  const gameId = '2011-usopen-2701';
  const rec = recording(gameId);
  const a = await e2e.connect('rejoiner');
  const atMs = rec.frames[Math.floor(rec.frames.length * 0.5)]!.t;
  const joined = await startAt(a, gameId, atMs);
  a.send({ action: 'pause' });
  const paused = await a.waitFor('state', (m) => m.status === 'paused');
  // Seek near the end (a new epoch) from the first tab, then play at 64×.
  const toMs = rec.frames[rec.frames.length - 12]!.t;
  a.send({ action: 'seek', toMs });
  const sought = await a.waitFor('state', (m: StateMessage) => m.snapshot !== undefined);
  expect(sought.epoch).toBeGreaterThan(paused.epoch);
  // A second tab of the same player, which last saw the old epoch, rejoins.
  const b = await e2e.connect('rejoiner');
  b.send({ action: 'rejoin', streamId: joined.streamId, lastSeq: joined.positionSeq - 1, epoch: joined.epoch });
  const rejoined = await b.waitFor('joined');
  expect(rejoined.epoch).toBe(sought.epoch);
  expect(rejoined.movedFrom).toBe(joined.epoch);
  await expectSnapshot(gameId, rejoined.snapshot, rejoined.positionSeq);
  b.send({ action: 'speed', speed: 64 });
  await b.waitFor('state', (m) => m.speed === 64);
  b.send({ action: 'resume' });
  await b.waitFor('ended');
  const seqs = b.frames().filter((f) => f.epoch >= rejoined.epoch).map((f) => f.seq);
  expect(seqs).toEqual(range(rejoined.positionSeq, rec.frames.length));
});

it('joining a running stream: the snapshot is at joined.positionSeq and the first frame received is that seq', async () => {
  const gameId = '2012-wimbledon-1701';
  const rec = recording(gameId);
  const a = await e2e.connect('runner-a');
  a.send({ action: 'start', gameId, mode: 'spectate', speed: 64, atMs: rec.frames[rec.frames.length - 12]!.t });
  const started = await a.waitFor('joined');
  // Join once the stream is playing and has sent frames.
  await a.waitFor('frames');
  const b = await e2e.connect('runner-b');
  b.send({ action: 'join', streamId: started.streamId });
  const joined = await b.waitFor('joined');
  expect(joined.positionSeq).toBeGreaterThan(started.positionSeq);
  await expectSnapshot(gameId, joined.snapshot, joined.positionSeq);
  await b.waitFor('ended');
  const seqs = b.frames().map((f) => f.seq);
  expect(seqs).toEqual(range(joined.positionSeq, rec.frames.length));
});
