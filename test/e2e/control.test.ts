/**
 * End to end on local mode, playback control: a pvp room and its spectators,
 * pause/resume/seek/speed by either player, refusals for spectators, two players acting
 * at once, and seeks that must not lose to the tick on a dense terminal recording — through
 * the real handlers, state machine and local gateway, at 64×.
 */
import { dueAt } from '../../lambda/core/clock';
import type { StreamRow } from '../../contract/rows';
import type { ServerMessage } from '../../protocol/messages';
import { checkOrdering, E2e, sleep, until } from '../support/e2e';
import type { TestClient } from '../support/ws-client';

jest.setTimeout(300_000); // a bound against a hang on a busy machine
const HANG = 90_000;

// Late in long matches: at 64× a point (≈ 60 s of media) arrives about every second.
const PVP_GAME = '2012-ausopen-1701';
const MATCH_GAME = '2013-wimbledon-2701';
const RACE_GAME = '2012-wimbledon-1701';

let e: E2e;

beforeAll(async () => {
  e = await E2e.start({ sweeper: false });
});
afterAll(async () => {
  await e?.close();
});

const connect = (user: string) => e.connect(user);
const streamRow = (streamId: string) => e.streamRow(streamId);
const recordingTimes = (gameId: string) => e.recordingTimes(gameId);

/** Frames (seq, epoch) that arrived after message index `from`. */
function framesAfter(c: TestClient, from: number): Array<{ seq: number; t: number; epoch: number }> {
  const out: Array<{ seq: number; t: number; epoch: number }> = [];
  for (const m of c.messages.slice(from)) if (m.type === 'frames') for (const f of m.frames) out.push({ seq: f.seq, t: f.t, epoch: m.epoch });
  return out;
}

/** Wait until `c` has `n` frames of `epoch` after message index `from`. */
async function waitFrames(c: TestClient, epoch: number, n: number, from = 0, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (framesAfter(c, from).filter((f) => f.epoch === epoch).length < n) {
    if (Date.now() > deadline) throw new Error(`${c.userId}: fewer than ${n} frames of epoch ${epoch} within ${timeoutMs} ms`);
    await c.waitFor('frames', (m) => m.epoch === epoch, Math.max(1, deadline - Date.now()), c.messages.length);
  }
}

const lastOf = <T extends ServerMessage['type']>(c: TestClient, type: T) => c.all(type).at(-1)!;

describe('a pvp room', () => {
  it('starts when its second player arrives; either player controls it for everyone; a third is a spectator', async () => {
    const times = await recordingTimes(PVP_GAME);
    const atMs = times[times.length - 45]!;
    const [a, b, c] = [await connect('alice'), await connect('bob'), await connect('carol')];

    a.send({ action: 'start', gameId: PVP_GAME, mode: 'pvp', room: 'r1', speed: 64, atMs });
    const joinedA = await a.waitFor('joined');
    expect(joinedA).toMatchObject({ streamId: `pvp:${PVP_GAME}:r1`, mode: 'pvp', role: 'player', status: 'starting', positionSeq: times.length - 45 });
    const streamId = joinedA.streamId;
    // Alone in the room: the stream waits (well past the 1 s start lead).
    await sleep(2000);
    expect(a.all('frames')).toHaveLength(0);
    expect((await streamRow(streamId)).status).toBe('starting');

    b.send({ action: 'start', gameId: PVP_GAME, mode: 'pvp', room: 'r1', speed: 64, atMs: 0 });
    const joinedB = await b.waitFor('joined');
    expect(joinedB).toMatchObject({ streamId, role: 'player', positionSeq: joinedA.positionSeq, speed: 64 });
    expect((await streamRow(streamId)).controllers).toEqual(['alice', 'bob']);
    await waitFrames(a, joinedA.epoch, 1);
    expect(a.frames()[0]!.seq).toBe(joinedA.positionSeq);

    c.send({ action: 'start', gameId: PVP_GAME, mode: 'pvp', room: 'r1' });
    expect(await c.waitFor('joined')).toMatchObject({ streamId, role: 'spectator', mode: 'pvp' });
    await waitFrames(c, joinedA.epoch, 2);

    // A pauses: both players and the spectator get `state` paused by A; nothing more arrives.
    a.send({ action: 'pause' });
    const paused = await Promise.all([a, b, c].map((x) => x.waitFor('state', (m) => m.status === 'paused')));
    for (const p of paused) expect(p).toMatchObject({ streamId, status: 'paused', by: 'alice', epoch: joinedA.epoch + 1 });
    const p0 = paused[0]!;
    expect(paused.map((p) => p.positionSeq)).toEqual([p0.positionSeq, p0.positionSeq, p0.positionSeq]);
    await sleep(1500);
    const lastBeforePause = a.frames().at(-1)!;
    expect(lastBeforePause.seq).toBe(p0.positionSeq - 1); // the next frame is the one after the last sent
    expect(p0.positionMs).toBeLessThanOrEqual(times[p0.positionSeq]!);
    expect((await streamRow(streamId))).toMatchObject({ status: 'paused', epoch: p0.epoch, positionSeq: p0.positionSeq });

    // B resumes: everyone gets `state` playing by B; frames continue from positionSeq in the new epoch.
    const beforeResume = [a, b, c].map((x) => x.messages.length);
    b.send({ action: 'resume' });
    const resumed = await Promise.all([a, b, c].map((x, i) => x.waitFor('state', (m) => m.status === 'playing', 20_000, beforeResume[i])));
    for (const r of resumed) expect(r).toMatchObject({ status: 'playing', by: 'bob', epoch: p0.epoch + 1, positionSeq: p0.positionSeq, positionMs: p0.positionMs });
    await Promise.all([a, b, c].map((x, i) => waitFrames(x, p0.epoch + 1, 3, beforeResume[i])));
    expect(framesAfter(a, beforeResume[0]!).slice(0, 3).map((f) => f.seq)).toEqual([p0.positionSeq, p0.positionSeq + 1, p0.positionSeq + 2]);

    // A seeks back: a new epoch; its first frame is the first with t ≥ toMs.
    const toMs = times[p0.positionSeq - 10]! - 1;
    const beforeSeek = [a, b, c].map((x) => x.messages.length);
    a.send({ action: 'seek', toMs });
    const sought = await Promise.all([a, b, c].map((x, i) => x.waitFor('state', () => true, 20_000, beforeSeek[i])));
    const seekEpoch = sought[0]!.epoch;
    expect(seekEpoch).toBeGreaterThan(p0.epoch + 1);
    for (const s of sought) expect(s).toMatchObject({ status: 'playing', by: 'alice', epoch: seekEpoch, positionMs: toMs, positionSeq: p0.positionSeq - 10 });
    await Promise.all([a, b, c].map((x, i) => waitFrames(x, seekEpoch, 2, beforeSeek[i])));
    const afterSeek = framesAfter(b, beforeSeek[1]!).filter((f) => f.epoch === seekEpoch);
    expect(afterSeek[0]).toMatchObject({ seq: p0.positionSeq - 10, t: times[p0.positionSeq - 10] });
    expect(afterSeek[0]!.t).toBeGreaterThanOrEqual(toMs);

    // B halves the speed: `state` with the new speed and epoch, re-anchored at the position showing.
    const beforeSpeed = [a, b, c].map((x) => x.messages.length);
    const lastT = lastOf(b, 'frames').frames.at(-1)!;
    b.send({ action: 'speed', speed: 32 });
    const sped = await Promise.all([a, b, c].map((x, i) => x.waitFor('state', () => true, 20_000, beforeSpeed[i])));
    const speedEpoch = sped[0]!.epoch;
    for (const s of sped) expect(s).toMatchObject({ status: 'playing', speed: 32, by: 'bob', epoch: speedEpoch });
    expect(speedEpoch).toBeGreaterThan(seekEpoch);
    const sp = sped[0]!;
    // The position is where the old clock was: at or after the last frame sent (less the
    // 30 ms × 64 a claimed batch leads by), before the next frame's time.
    expect(sp.positionMs).toBeGreaterThanOrEqual(times[sp.positionSeq - 1]! - 30 * 64);
    expect(sp.positionMs).toBeLessThanOrEqual(times[sp.positionSeq]!);
    expect(sp.positionSeq).toBeGreaterThan(lastT.seq);
    const row = await streamRow(streamId);
    expect(row).toMatchObject({ speed: 32, epoch: speedEpoch, epochStartSeq: sp.positionSeq });
    await Promise.all([a, b, c].map((x, i) => waitFrames(x, speedEpoch, 2, beforeSpeed[i])));
    const slow = framesAfter(c, beforeSpeed[2]!).filter((f) => f.epoch === speedEpoch);
    expect(slow[0]!.seq).toBe(sp.positionSeq);
    // Each frame of the new epoch arrived no earlier than the new clock (speed 32) says.
    for (const f of c.frames().filter((x) => x.epoch === speedEpoch)) expect(f.at).toBeGreaterThanOrEqual(dueAt(row, f.t) - 1);

    for (const x of [a, b, c]) checkOrdering(x);
  });

  it('without a room, puts the second user into the first one\'s open room', async () => {
    const times = await recordingTimes(MATCH_GAME);
    const [d, e, f] = [await connect('dave'), await connect('erin'), await connect('frank')];
    d.send({ action: 'start', gameId: MATCH_GAME, mode: 'pvp', speed: 64, atMs: times[times.length - 12] });
    const joinedD = await d.waitFor('joined');
    expect(joinedD).toMatchObject({ role: 'player', status: 'starting' });
    expect(joinedD.streamId).toMatch(new RegExp(`^pvp:${MATCH_GAME}:[A-Za-z0-9_-]+$`));
    e.send({ action: 'start', gameId: MATCH_GAME, mode: 'pvp' });
    expect(await e.waitFor('joined')).toMatchObject({ streamId: joinedD.streamId, role: 'player' });
    await waitFrames(d, joinedD.epoch, 1);
    // The room is full and playing: a third matchmaking user opens a room of their own.
    f.send({ action: 'start', gameId: MATCH_GAME, mode: 'pvp' });
    const joinedF = await f.waitFor('joined');
    expect(joinedF).toMatchObject({ role: 'player', status: 'starting' });
    expect(joinedF.streamId).not.toBe(joinedD.streamId);
    for (const x of [d, e]) checkOrdering(x);
  });
});

describe('spectators', () => {
  it('get forbidden for every control, and the stream row is unchanged', async () => {
    const times = await recordingTimes(MATCH_GAME);
    const [p, s] = [await connect('pam'), await connect('sid')];
    p.send({ action: 'start', gameId: MATCH_GAME, mode: 'pvai', speed: 64, atMs: times[times.length - 20] });
    const joined = await p.waitFor('joined');
    expect(joined.role).toBe('player');
    s.send({ action: 'join', streamId: joined.streamId });
    expect(await s.waitFor('joined')).toMatchObject({ role: 'spectator' });
    await waitFrames(s, joined.epoch, 1);
    p.send({ action: 'pause' });
    await s.waitFor('state', (m) => m.status === 'paused');
    // The row once the presence of the spectator's join is claimed too (on a busy machine that
    // broadcast can come after the pause): from here on nothing may change it.
    const before = await until('the presence of the join to be claimed', async () => {
      const r = await streamRow(joined.streamId);
      return (r.presenceSentVersion ?? 0) >= (r.presenceVersion ?? 0) && r;
    });

    const controls = [{ action: 'pause' }, { action: 'resume' }, { action: 'speed', speed: 2 }, { action: 'seek', toMs: 1000 }, { action: 'scrub', toMs: 1000 }];
    for (const c of controls) {
      const from = s.messages.length;
      s.send(c);
      const err = await s.waitFor('error', () => true, 10_000, from);
      expect(err).toMatchObject({ code: 'forbidden', action: c.action });
    }
    expect(await streamRow(joined.streamId)).toEqual(before);
    expect(p.all('state').filter((m) => m.epoch > before.epoch)).toHaveLength(0);

    // On a spectate stream nobody controls.
    const v = await connect('vic');
    v.send({ action: 'start', gameId: RACE_GAME, speed: 64, atMs: 14_000_000 });
    const jv = await v.waitFor('joined');
    const rowV = await streamRow(jv.streamId);
    v.send({ action: 'pause' });
    expect(await v.waitFor('error')).toMatchObject({ code: 'forbidden', action: 'pause' });
    const afterV = await streamRow(jv.streamId);
    expect({ epoch: afterV.epoch, speed: afterV.speed, controllers: afterV.controllers }).toEqual({ epoch: rowV.epoch, speed: rowV.speed, controllers: [] });
  });
});

describe('two players acting at once', () => {
  it('end in one consistent state: the row\'s epoch is the last state everyone got, and frames follow only it', async () => {
    const times = await recordingTimes(RACE_GAME);
    const [a, b, s] = [await connect('ava'), await connect('ben'), await connect('sam')];
    a.send({ action: 'start', gameId: RACE_GAME, mode: 'pvp', room: 'race', speed: 64, atMs: times[times.length - 60] });
    const joined = await a.waitFor('joined');
    b.send({ action: 'start', gameId: RACE_GAME, mode: 'pvp', room: 'race' });
    await b.waitFor('joined');
    s.send({ action: 'join', streamId: joined.streamId });
    await s.waitFor('joined');
    await waitFrames(s, joined.epoch, 2);
    const all = [a, b, s];

    /**
     * Send `msgs` and wait until they have taken effect: the gateway has received each and
     * every client message's handler has ended (so no control is still deciding or
     * broadcasting), then until every client's last `state` is the row's epoch. Returns the row.
     */
    const sendAndSettle = async (msgs: Array<[TestClient, object]>): Promise<StreamRow> => {
      const before = e.stack.gateway.messageStats().received;
      for (const [x, msg] of msgs) x.send(msg);
      await until('every control to be handled', async () => {
        const m = e.stack.gateway.messageStats();
        return m.received >= before + msgs.length && m.answered === m.received;
      });
      let row = await streamRow(joined.streamId);
      try {
        return await until('every client\'s last state to be the row\'s epoch', async () => {
          row = await streamRow(joined.streamId);
          return all.every((x) => x.all('state').at(-1)?.epoch === row.epoch) && row;
        });
      } catch {
        throw new Error(`row epoch ${row.epoch}; last states ${all.map((x) => x.all('state').at(-1)?.epoch).join(',')}`);
      }
    };

    // Round 1: pause and seek together (either order ends paused). On a busy machine the server
    // may refuse one of them in plain words (a control that kept losing to the other is answered
    // "this stream is busy"): a refused pause is sent again, as its player would.
    const [fromA, fromB] = [a.messages.length, b.messages.length];
    let row = await sendAndSettle([[a, { action: 'pause' }], [b, { action: 'seek', toMs: times[times.length - 40] }]]);
    const refused = (x: TestClient, from: number, action: string) => x.messages.slice(from).filter((m) => m.type === 'error' && m.action === action);
    if (row.status !== 'paused' && refused(a, fromA, 'pause').length > 0) row = await sendAndSettle([[a, { action: 'pause' }]]);
    const said = JSON.stringify({ a: a.messages.slice(fromA).filter((m) => m.type !== 'frames'), b: b.messages.slice(fromB).filter((m) => m.type !== 'frames') });
    expect({ status: row.status, said }).toEqual({ status: 'paused', said });
    for (const x of all) {
      expect(lastOf(x, 'state')).toMatchObject({ epoch: row.epoch, status: 'paused', positionSeq: row.positionSeq });
      checkOrdering(x);
    }

    // Round 2: resume, then bursts of controls from both players at once.
    const base = all.map((x) => x.messages.length);
    b.send({ action: 'resume' });
    await Promise.all(all.map((x, i) => x.waitFor('state', (m) => m.status === 'playing', 20_000, base[i])));
    await waitFrames(s, row.epoch + 1, 1, base[2]);
    const bursts: Array<{ sends: Array<[TestClient, object]>; status: 'playing' | 'paused'; speed?: number }> = [
      { sends: [[a, { action: 'speed', speed: 48 }], [b, { action: 'seek', toMs: times[times.length - 50] }]], status: 'playing', speed: 48 },
      { sends: [[a, { action: 'seek', toMs: times[times.length - 52] }], [b, { action: 'scrub', toMs: times[times.length - 51] }]], status: 'playing' },
      { sends: [[a, { action: 'speed', speed: 64 }], [b, { action: 'speed', speed: 32 }], [a, { action: 'seek', toMs: times[times.length - 53] }]], status: 'playing' },
      { sends: [[b, { action: 'pause' }], [a, { action: 'speed', speed: 40 }]], status: 'paused', speed: 40 },
      { sends: [[a, { action: 'resume' }], [b, { action: 'seek', toMs: times[times.length - 54] }]], status: 'playing', speed: 40 },
    ];
    for (const burst of bursts) {
      row = await sendAndSettle(burst.sends);
      expect(row).toMatchObject({ status: burst.status, ...(burst.speed === undefined ? {} : { speed: burst.speed }) });
      const from = all.map((x) => x.messages.findIndex((m) => m.type === 'state' && m.epoch === row.epoch));
      if (row.status === 'playing') await Promise.all(all.map((x, i) => waitFrames(x, row.epoch, 1, from[i])));
      for (const [i, x] of all.entries()) {
        expect(lastOf(x, 'state')).toMatchObject({ epoch: row.epoch, status: row.status, speed: row.speed });
        const after = framesAfter(x, from[i]!);
        expect(after.every((f) => f.epoch === row.epoch)).toBe(true);
        if (row.status === 'playing') expect(after[0]!.seq).toBe(lastOf(x, 'state').positionSeq);
        else expect(after).toEqual([]);
        checkOrdering(x);
      }
      // Errors are allowed (a resume that found the stream playing is a conflict), nothing else.
      for (const x of [a, b]) for (const e of x.all('error')) expect(e.code).toBe('conflict');
    }
  });
});

describe('seek on a dense recording at 64×', () => {
  it('every seek applies (never conflict against the tick), and its epoch starts at its positionSeq', async () => {
    const GAME = 'nethack-nao-2012-02-16-fare';
    const times = await recordingTimes(GAME);
    const p = await connect('nell');
    p.send({ action: 'start', gameId: GAME, mode: 'pvai', speed: 64, atMs: times[Math.floor(times.length / 4)] });
    const joined = await p.waitFor('joined');
    await waitFrames(p, joined.epoch, 5);
    for (let i = 0; i < 8; i++) {
      const from = p.messages.length;
      const toMs = times[Math.floor((times.length * (i % 2 === 0 ? 0.3 + i / 40 : 0.2 + i / 40)))]!;
      p.send({ action: 'seek', toMs });
      // The seek's own `state`, or an `error` (a conflict): whichever comes first.
      const answer = await Promise.race([
        p.waitFor('state', (m) => m.by === 'nell', HANG, from).catch(() => undefined),
        p.waitFor('error', () => true, HANG, from).catch(() => undefined),
      ]);
      expect({ seek: i, answer: answer?.type === 'error' ? answer : answer?.type }).toEqual({ seek: i, answer: 'state' });
      const reply = answer as Extract<ServerMessage, { type: 'state' }>;
      expect(reply.positionMs).toBe(toMs);
      await waitFrames(p, reply.epoch, 3, from);
      expect(framesAfter(p, from).filter((f) => f.epoch === reply.epoch)[0]!.seq).toBe(reply.positionSeq);
    }
    checkOrdering(p);
  });
});
