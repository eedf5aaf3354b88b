/**
 * The live-game routes (lambda/handlers/http/games.ts, docs/HTTP-API.md "Live games") on the
 * in-memory fakes: the role gate (`publisher` or `operator`), the caller as the game's owner,
 * and each LiveRequestError as its HTTP status and PROTOCOL.md code.
 */
import type { LivePorts } from '../../../../lambda/application/live';
import type { HttpIdentity } from '../../../../lambda/core/http-api';
import { postEvents, postFinish, putGame } from '../../../../lambda/handlers/http/games';
import { FakeBroadcaster, FakeWorkflow, InMemoryGameCatalog, InMemoryRecordingStore, InMemoryStreamStore, ManualTime } from '../../fakes';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ports = (): LivePorts & { games: InMemoryGameCatalog } => ({
  games: new InMemoryGameCatalog(),
  streams: new InMemoryStreamStore(),
  recordings: new InMemoryRecordingStore(),
  broadcaster: new FakeBroadcaster(),
  workflow: new FakeWorkflow(),
  time: new ManualTime(1_000),
  log: quiet,
});
const alice: HttpIdentity = { userId: 'alice', roles: ['publisher'] };
const bob: HttpIdentity = { userId: 'bob', roles: ['publisher'] };
const olga: HttpIdentity = { userId: 'olga', roles: ['operator'] };
const viewer: HttpIdentity = { userId: 'vera', roles: [] };
const open = { kind: 'cricket', title: 'Nets' };

describe('live-game routes', () => {
  it('a token without the publisher or operator role is refused 403 before anything happens', async () => {
    const p = ports();
    expect(await putGame(p, viewer, 'g', open)).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'this route needs a token with the publisher role' } } });
    expect(p.games.rows.size).toBe(0);
  });

  it('the opener owns the game: another publisher gets 403 forbidden on every route, an operator does not', async () => {
    const p = ports();
    expect(await putGame(p, alice, 'g', open)).toEqual({ status: 201, body: { gameId: 'g', live: 'live', frameCount: 0 } });
    expect(p.games.rows.get('g')!.userId).toBe('alice');
    for (const r of [await putGame(p, bob, 'g', open), await postEvents(p, bob, 'g', { key: 'a', type: 'x' }), await postFinish(p, bob, 'g')]) {
      expect(r).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringMatching(/^live game "g" belongs to the publisher who opened it/) } } });
    }
    expect(p.games.rows.get('g')).toMatchObject({ frameCount: 0, liveStatus: 'live' });
    expect(await postEvents(p, olga, 'g', { key: 'a', type: 'x' })).toMatchObject({ status: 200, body: { accepted: [{ key: 'a', seq: 0 }] } });
    expect(await postFinish(p, olga, 'g')).toEqual({ status: 200, body: { gameId: 'g', live: 'finished', frameCount: 1, durationMs: 0 } });
  });

  it('the batch cap answers 409 conflict in plain words', async () => {
    const p = { ...ports(), maxLiveChunks: 1 };
    await putGame(p, alice, 'g', open);
    expect((await postEvents(p, alice, 'g', { key: 'a', type: 'x' })).status).toBe(200);
    expect(await postEvents(p, alice, 'g', { key: 'b', type: 'x' })).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', message: expect.stringMatching(/has 1 batches, the most one live game may have; nothing of this batch was stored: finish this game/) } },
    });
    expect((await postFinish(p, alice, 'g')).status).toBe(200);
  });
});
