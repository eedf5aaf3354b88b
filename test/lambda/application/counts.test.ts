/**
 * `clientCount` never drifts from the connections attached to a stream (`byStream`): each
 * race that once let it drift, made to happen step by step on the in-memory ports —
 * a finished stream replaced while a viewer is still attached under its id, two requests of
 * one connection attaching it after both detached it, an attach whose count write fails — and
 * the reconciliation that repairs a mismatch once it has stood still (client-count.ts).
 */
import { joinStreamById, startStream, type ControlConfig, type ControlPorts } from '../../../lambda/application/control';
import { COUNT_SETTLE_MS, reconcileClientCount } from '../../../lambda/application/client-count';
import { forgetConnection } from '../../../lambda/application/forget-connection';
import { attach, detach } from '../../../lambda/application/session';
import type { ConnectionRow, StreamRow } from '../../../contract/rows';
import type { Caller } from '../../../lambda/core/ws-event';
import { ThrottledError } from '../../../lambda/ports/errors';
import type { Log } from '../../../lambda/ports/log';
import { streamRowFixture } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryConnectionRegistry, InMemoryGameCatalog, InMemoryStreamStore, ManualTime } from '../fakes';
import { recordedGame, silentFrames } from './fixtures';

const game = recordedGame;

const frames = silentFrames;

function world(streams: StreamRow[] = []) {
  const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
  const log: Log = { info: () => {}, warn: (m, a) => void warnings.push([m, a]), error: () => {} };
  const connections = new InMemoryConnectionRegistry();
  const ports = {
    streams: new InMemoryStreamStore(streams),
    connections,
    games: new InMemoryGameCatalog([game]),
    broadcaster: new FakeBroadcaster(),
    workflow: new FakeWorkflow(),
    frames: () => frames,
    time: new ManualTime(),
    log,
  } satisfies ControlPorts;
  const config: ControlConfig = { maxClients: 1000 };
  const caller = async (userId: string, connectionId = `c-${userId}`): Promise<Caller> => {
    const row: ConnectionRow = { connectionId, userId, displayName: userId, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 };
    if (!(await connections.get(connectionId))) await connections.put(row);
    return { connectionId, userId, displayName: userId, requestId: 'r', routeKey: 'start' };
  };
  /** Every stream whose clientCount is not the number of connection rows attached to it (the churn suite's invariant). */
  const mismatches = (): string[] => {
    const attached = new Map<string, number>();
    for (const c of connections.rows.values()) if (c.streamId) attached.set(c.streamId, (attached.get(c.streamId) ?? 0) + 1);
    return [...ports.streams.rows.values()]
      .filter((s) => s.clientCount !== (attached.get(s.streamId) ?? 0))
      .map((s) => `${s.streamId}: clientCount ${s.clientCount}, attached ${attached.get(s.streamId) ?? 0}`);
  };
  return { ports, config, caller, mismatches, warnings };
}

describe('clientCount stays the number of attached connections', () => {
  it('a finished stream replaced under the same id keeps counting the viewers still attached to it', async () => {
    const w = world();
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((u) => w.caller(u)));
    await startStream(w.ports, w.config, alice, { action: 'start', gameId: 'g1', mode: 'pvp', room: 'r', speed: 1 });
    await startStream(w.ports, w.config, bob, { action: 'start', gameId: 'g1', mode: 'pvp', room: 'r', speed: 1 });
    await joinStreamById(w.ports, w.config, carol, { action: 'join', streamId: 'pvp:g1:r' });
    // The room ends (its players stopped coming back) while carol still watches; the players leave.
    w.ports.streams.poke('pvp:g1:r', { status: 'ended', endedReason: 'stopped' });
    await forgetConnection(w.ports, alice.connectionId);
    await forgetConnection(w.ports, bob.connectionId);
    expect(w.mismatches()).toEqual([]);

    // A new room under the same id: carol's row still says pvp:g1:r, so she is one of its viewers.
    await startStream(w.ports, w.config, dave, { action: 'start', gameId: 'g1', mode: 'pvp', room: 'r', speed: 1 });
    expect(await w.ports.streams.get('pvp:g1:r')).toMatchObject({ epoch: 2, status: 'starting', clientCount: 2 });
    expect(w.mismatches()).toEqual([]);
    // When she leaves, dave is still counted: the count was never 0 with dave attached.
    await forgetConnection(w.ports, carol.connectionId);
    expect(await w.ports.streams.get('pvp:g1:r')).toMatchObject({ clientCount: 1 });
    expect(w.mismatches()).toEqual([]);
  });

  it('two requests of one connection that both detached before either attached: the later attach uncounts the stream it replaced', async () => {
    const w = world([streamRowFixture('spectate:a'), streamRowFixture('spectate:b')]);
    const ann = await w.caller('ann');
    const a = (await w.ports.streams.get('spectate:a'))!;
    const b = (await w.ports.streams.get('spectate:b'))!;
    // Request 1 (start a) has written the attach; before it counts, request 2 (join b, whose
    // detach found nothing to detach) attaches the same connection to b.
    let raced = false;
    w.ports.connections.afterAttach = async (_id, streamId) => {
      if (streamId !== 'spectate:a' || raced) return;
      raced = true;
      await attach(w.ports, ann.connectionId, 'ann', b, 'spectator');
    };
    await attach(w.ports, ann.connectionId, 'ann', a, 'spectator');
    expect(raced).toBe(true);
    expect((await w.ports.connections.get(ann.connectionId))?.streamId).toBe('spectate:b');
    expect((await w.ports.streams.get('spectate:a'))?.clientCount).toBe(0);
    expect((await w.ports.streams.get('spectate:b'))?.clientCount).toBe(1);
    expect(w.mismatches()).toEqual([]);
    // …and the last presence of the stream it left says so, like any leave.
    expect(w.ports.broadcaster.sentTo('spectate:a').at(-1)).toEqual({ type: 'presence', streamId: 'spectate:a', clients: 0, players: 0, spectators: 0 });
  });

  it('the same connection attached twice to one stream (a doubled start or rejoin) is counted once', async () => {
    const w = world([streamRowFixture('spectate:a')]);
    const ann = await w.caller('ann');
    const a = (await w.ports.streams.get('spectate:a'))!;
    let raced = false;
    w.ports.connections.afterAttach = async () => {
      if (raced) return;
      raced = true;
      await attach(w.ports, ann.connectionId, 'ann', a, 'spectator');
    };
    await attach(w.ports, ann.connectionId, 'ann', a, 'spectator');
    expect((await w.ports.streams.get('spectate:a'))?.clientCount).toBe(1);
    await detach(w.ports, ann.connectionId);
    expect((await w.ports.streams.get('spectate:a'))?.clientCount).toBe(0);
    expect(w.mismatches()).toEqual([]);
  });

  it('an attach whose count write fails is undone: the connection is neither attached uncounted nor left on its old stream', async () => {
    const w = world([streamRowFixture('spectate:a'), streamRowFixture('spectate:b')]);
    const ann = await w.caller('ann');
    await attach(w.ports, ann.connectionId, 'ann', (await w.ports.streams.get('spectate:a'))!, 'spectator');
    // The +1 on b outlives the SDK's retries.
    w.ports.streams.beforeAddClients = (streamId, delta) => {
      if (streamId === 'spectate:b' && delta === 1) throw new ThrottledError('DynamoDB', 'UpdateItem', 'ThrottlingException', 400);
    };
    await expect(attach(w.ports, ann.connectionId, 'ann', (await w.ports.streams.get('spectate:b'))!, 'spectator')).rejects.toBeInstanceOf(ThrottledError);
    // Undone: off b (never counted there) and uncounted from a, which the attach had replaced.
    expect((await w.ports.connections.get(ann.connectionId))?.streamId).toBeUndefined();
    expect(w.mismatches()).toEqual([]);
    expect(w.warnings.map(([m]) => m)).toContain('attach undone: its stream could not be counted');
    // The client's retry succeeds.
    delete w.ports.streams.beforeAddClients;
    await attach(w.ports, ann.connectionId, 'ann', (await w.ports.streams.get('spectate:b'))!, 'spectator');
    expect((await w.ports.streams.get('spectate:b'))?.clientCount).toBe(1);
    expect(w.mismatches()).toEqual([]);
  });

  it('an attach racing its own $disconnect ends uncounted, with no row left', async () => {
    const w = world([streamRowFixture('spectate:a')]);
    const ann = await w.caller('ann');
    w.ports.connections.afterAttach = async (id) => void (await forgetConnection(w.ports, id));
    await attach(w.ports, ann.connectionId, 'ann', (await w.ports.streams.get('spectate:a'))!, 'spectator');
    expect(await w.ports.connections.get(ann.connectionId)).toBeUndefined();
    expect((await w.ports.streams.get('spectate:a'))?.clientCount).toBe(0);
    // And once it is gone, a late attach of it finds no row (NotFoundError) and counts nothing.
    delete w.ports.connections.afterAttach;
    await expect(attach(w.ports, ann.connectionId, 'ann', (await w.ports.streams.get('spectate:a'))!, 'spectator')).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(w.mismatches()).toEqual([]);
  });

  it('a $disconnect racing a detach uncounts the connection once', async () => {
    const w = world([streamRowFixture('spectate:a')]);
    const ann = await w.caller('ann');
    await attach(w.ports, ann.connectionId, 'ann', (await w.ports.streams.get('spectate:a'))!, 'spectator');
    w.ports.connections.beforeDelete = async () => void (await detach(w.ports, ann.connectionId));
    const forgotten = await forgetConnection(w.ports, ann.connectionId);
    expect(forgotten?.connection.streamId).toBeUndefined(); // the detach took it off: not this call's to uncount
    expect((await w.ports.streams.get('spectate:a'))?.clientCount).toBe(0);
    expect(w.mismatches()).toEqual([]);
  });
});

describe('reconcileClientCount', () => {
  function drifted() {
    const w = world([streamRowFixture('spectate:a', { clientCount: 0, presenceVersion: 4, idleSince: 1 })]);
    // A connection attached whose +1 never came (its Lambda died between the two writes).
    w.ports.connections.rows.set('c-ann', { connectionId: 'c-ann', userId: 'ann', displayName: 'ann', connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9, streamId: 'spectate:a', role: 'spectator' });
    return w;
  }

  it('repairs a mismatch that stood still for COUNT_SETTLE_MS, and logs it', async () => {
    const w = drifted();
    const t0 = 5_000_000;
    expect(await reconcileClientCount(w.ports, 'spectate:a', t0)).toBe('noted');
    expect(await reconcileClientCount(w.ports, 'spectate:a', t0 + COUNT_SETTLE_MS - 1)).toBe('noted'); // still settling: unchanged
    expect((await w.ports.streams.get('spectate:a'))?.clientCount).toBe(0);
    expect(await reconcileClientCount(w.ports, 'spectate:a', t0 + COUNT_SETTLE_MS)).toBe('repaired');
    const row = await w.ports.streams.get('spectate:a');
    expect(row).toMatchObject({ clientCount: 1, presenceVersion: 5 });
    expect(row?.idleSince).toBeUndefined(); // no longer idle: the sweeper will not end it under its viewer
    expect(w.mismatches()).toEqual([]);
    expect(w.warnings).toContainEqual(['clientCount repaired from the attached connections', { streamId: 'spectate:a', was: 0, now: 1, since: t0 }]);
    expect(await reconcileClientCount(w.ports, 'spectate:a', t0 + 2 * COUNT_SETTLE_MS)).toBe('ok');
  });

  it('repairs a count too high to 0, so the stream becomes idle', async () => {
    const w = world([streamRowFixture('spectate:a', { clientCount: 2, presenceVersion: 9 })]);
    await reconcileClientCount(w.ports, 'spectate:a', 1_000);
    expect(await reconcileClientCount(w.ports, 'spectate:a', 1_000 + COUNT_SETTLE_MS)).toBe('repaired');
    expect(await w.ports.streams.get('spectate:a')).toMatchObject({ clientCount: 0, idleSince: 1_000 + COUNT_SETTLE_MS });
  });

  it('does not repair while the count is moving: a count change after the first look starts the wait again', async () => {
    const w = drifted();
    expect(await reconcileClientCount(w.ports, 'spectate:a', 1_000)).toBe('noted');
    // Someone else attaches and is counted (a move in flight would look the same to a single look).
    w.ports.connections.rows.set('c-bob', { connectionId: 'c-bob', userId: 'bob', displayName: 'bob', connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9, streamId: 'spectate:a', role: 'spectator' });
    await w.ports.streams.addClients('spectate:a', 1, 2_000);
    expect(await reconcileClientCount(w.ports, 'spectate:a', 1_000 + COUNT_SETTLE_MS)).toBe('noted');
    expect((await w.ports.streams.get('spectate:a'))?.clientCount).toBe(1);
    expect(await reconcileClientCount(w.ports, 'spectate:a', 1_000 + 2 * COUNT_SETTLE_MS)).toBe('repaired');
    expect(w.mismatches()).toEqual([]);
  });

  it('a count that is true is left alone, and a missing stream is gone', async () => {
    const w = world([streamRowFixture('spectate:a', { clientCount: 0 })]);
    expect(await reconcileClientCount(w.ports, 'spectate:a', 1)).toBe('ok');
    expect(await reconcileClientCount(w.ports, 'spectate:zz', 1)).toBe('gone');
    expect(w.ports.streams.updates).toEqual([]);
  });
});
