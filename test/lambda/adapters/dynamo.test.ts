import { startLocalAws, type LocalAws, streamRowFixture } from '../../support/aws-local';
import {
  addClients,
  attachConnection,
  countStreamConnections,
  createStream,
  deleteConnection,
  detachConnection,
  getConnection,
  getGame,
  getStream,
  listExpiredConnections,
  listGames,
  listStreamConnections,
  listStreamsByStatus,
  putConnection,
  putGame,
  touchConnection,
  updateStream,
} from './env-adapters';
import { NotFoundError, StaleEpochError, StreamExistsError } from '../../../lambda/adapters/errors';
import { DynamoConnectionRegistry } from '../../../lambda/adapters/connection-registry';
import { documentClient } from '../../../lambda/adapters/dynamo-write';
import { DynamoStreamStore } from '../../../lambda/adapters/stream-store';
import type { ConnectionRow, GameRow, StreamRow } from '../../../contract/rows';
import { TEST_TABLES } from '../../support/aws-local';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ s3: false });
});
afterAll(async () => {
  await aws?.close();
});

const conn = (connectionId: string, extra: Partial<ConnectionRow> = {}): ConnectionRow => ({
  connectionId,
  userId: `u-${connectionId}`,
  displayName: `User ${connectionId}`,
  connectedAt: 1_000,
  lastSeenAt: 1_000,
  expiresAt: 10_000,
  ...extra,
});

const stream = (streamId: string, extra: Partial<StreamRow> = {}): StreamRow =>
  streamRowFixture(streamId, { anchorAt: 5_000, title: 'A match', indexKey: 'recordings/g1.jsonl.idx.json', durationMs: 60_000, frameCount: 100, createdAt: 1_000, updatedAt: 1_000, ...extra });

describe('Connections', () => {
  it('puts, reads, attaches, detaches and deletes a connection', async () => {
    await putConnection(conn('c1'));
    expect(await getConnection('c1')).toEqual(conn('c1'));

    const attached = await attachConnection('c1', 'spectate:g1', 'spectator');
    expect(attached).toMatchObject({ connectionId: 'c1', streamId: 'spectate:g1', role: 'spectator', userId: 'u-c1' });

    const old = await detachConnection('c1');
    expect(old).toMatchObject({ streamId: 'spectate:g1', role: 'spectator' });
    const after = await getConnection('c1');
    expect(after?.streamId).toBeUndefined();
    expect(after?.role).toBeUndefined();
    // A second detach sees a row on no stream: nothing to uncount.
    expect((await detachConnection('c1'))?.streamId).toBeUndefined();

    expect(await deleteConnection('c1')).toEqual(conn('c1'));
    expect(await getConnection('c1')).toBeUndefined();
    expect(await deleteConnection('c1')).toBeUndefined();
  });

  it('refuses to attach a connection that does not exist, and does not create it', async () => {
    await expect(attachConnection('nobody', 's', 'player')).rejects.toBeInstanceOf(NotFoundError);
    expect(await getConnection('nobody')).toBeUndefined();
    expect(await detachConnection('nobody')).toBeUndefined();
    expect(await getConnection('nobody')).toBeUndefined();
  });

  it('touches lastSeenAt of an existing row only', async () => {
    await putConnection(conn('t1'));
    expect(await touchConnection('t1', 42_000)).toBe(true);
    expect((await getConnection('t1'))?.lastSeenAt).toBe(42_000);
    expect(await touchConnection('t-missing', 42_000)).toBe(false);
    expect(await getConnection('t-missing')).toBeUndefined();
  });

  it('lists a stream\'s connections over several byStream pages, and only that stream\'s', async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      await putConnection(conn(id));
      await attachConnection(id, 'pvp:g1:room', id.endsWith('0') ? 'player' : 'spectator');
    }
    await putConnection(conn('other'));
    await attachConnection('other', 'pvp:g1:elsewhere', 'spectator');
    await putConnection(conn('unattached'));

    const pages: string[][] = [];
    for await (const page of listStreamConnections('pvp:g1:room', { pageSize: 5 })) pages.push(page.map((c) => c.connectionId));
    expect(pages.length).toBeGreaterThanOrEqual(5);
    expect(pages.flat()).toEqual(ids); // SK connectionId: sorted, no repeats, none missing
    const first = (await listStreamConnections('pvp:g1:room')[Symbol.asyncIterator]().next()).value as { connectionId: string }[];
    expect(first[0]).toEqual({ connectionId: 'p-00', userId: 'u-p-00', displayName: 'User p-00', role: 'player' });

    expect(await countStreamConnections('pvp:g1:room')).toEqual({ clients: 23, players: 3, spectators: 20 });
    expect(await countStreamConnections('no-such-stream')).toEqual({ clients: 0, players: 0, spectators: 0 });
  });

  it('lists connections past their expiresAt (seconds)', async () => {
    await putConnection(conn('old-1', { expiresAt: 100 }));
    await putConnection(conn('old-2', { expiresAt: 199 }));
    await putConnection(conn('fresh', { expiresAt: 500 }));
    const expired = (await listExpiredConnections(200)).map((c) => c.connectionId).sort();
    expect(expired).toEqual(['old-1', 'old-2']);
    expect(await listExpiredConnections(200, { maxItems: 1 })).toHaveLength(1);
  });
});

describe('Streams', () => {
  it('creates a stream once; a second create loses with StreamExistsError', async () => {
    await createStream(stream('s-create'));
    await expect(createStream(stream('s-create', { epoch: 9 }))).rejects.toBeInstanceOf(StreamExistsError);
    expect((await getStream('s-create', { consistent: true }))?.epoch).toBe(1);
    expect(await getStream('s-missing')).toBeUndefined();
  });

  it('replaces a finished stream only at the epoch that was read', async () => {
    await createStream(stream('s-replace', { status: 'playing', epoch: 3 }));
    // Not finished: refused.
    await expect(createStream(stream('s-replace', { epoch: 4 }), { replaceFinishedEpoch: 3 })).rejects.toBeInstanceOf(StreamExistsError);
    await updateStream('s-replace', 3, { status: 'ended', endedReason: 'finished' });
    // Finished, but the caller read another epoch: refused.
    await expect(createStream(stream('s-replace', { epoch: 4 }), { replaceFinishedEpoch: 2 })).rejects.toBeInstanceOf(StreamExistsError);
    await createStream(stream('s-replace', { epoch: 4, status: 'starting' }), { replaceFinishedEpoch: 3 });
    const row = await getStream('s-replace', { consistent: true });
    expect(row).toMatchObject({ epoch: 4, status: 'starting' });
    expect(row?.endedReason).toBeUndefined();
    // Two racers replacing the same finished epoch: exactly one wins.
    await updateStream('s-replace', 4, { status: 'failed' });
    const results = await Promise.allSettled([
      createStream(stream('s-replace', { epoch: 5, title: 'A' }), { replaceFinishedEpoch: 4 }),
      createStream(stream('s-replace', { epoch: 5, title: 'B' }), { replaceFinishedEpoch: 4 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(StreamExistsError);
    // The finished row vanished (TTL) after it was read: replacing it still works.
    await createStream(stream('s-vanished', { epoch: 1 }), { replaceFinishedEpoch: 7 });
    expect((await getStream('s-vanished', { consistent: true }))?.epoch).toBe(1);
  });

  it('updates on the expected epoch, returns the new row, and REMOVEs null attributes', async () => {
    await createStream(stream('s-upd', { idleSince: 77, executionArn: 'arn:x' }));
    const row = await updateStream('s-upd', 1, { epoch: 2, speed: 4, idleSince: null, executionArn: undefined, positionSeq: 10 });
    expect(row).toMatchObject({ streamId: 's-upd', epoch: 2, speed: 4, positionSeq: 10, executionArn: 'arn:x' });
    expect('idleSince' in row).toBe(false);
    expect(await getStream('s-upd', { consistent: true })).toEqual(row);
    // No effective change: still checks the epoch, returns the row (with this write's updateToken).
    const { updateToken: _first, ...rest } = row as StreamRow & { updateToken?: string };
    const same = (await updateStream('s-upd', 2, {})) as StreamRow & { updateToken?: string };
    expect(same).toEqual({ ...rest, updateToken: expect.any(String) });
    expect(same.updateToken).not.toBe(_first);
  });

  it('throws StaleEpochError when the epoch, position or status moved, or the row is gone', async () => {
    await createStream(stream('s-stale', { epoch: 5, positionSeq: 20, status: 'paused' }));
    const stale = updateStream('s-stale', 4, { speed: 2 });
    await expect(stale).rejects.toBeInstanceOf(StaleEpochError);
    await expect(stale).rejects.toMatchObject({ streamId: 's-stale', expectedEpoch: 4 });
    await expect(updateStream('s-stale', 5, { positionSeq: 30 }, { expectPositionSeq: 19 })).rejects.toBeInstanceOf(StaleEpochError);
    await expect(updateStream('s-stale', 5, { status: 'playing' }, { expectStatus: ['starting'] })).rejects.toBeInstanceOf(StaleEpochError);
    await expect(updateStream('s-missing', 1, { speed: 2 })).rejects.toBeInstanceOf(StaleEpochError);
    expect(await getStream('s-missing', { consistent: true })).toBeUndefined(); // not created
    expect(await getStream('s-stale', { consistent: true })).toMatchObject({ speed: 1, positionSeq: 20, status: 'paused' });

    const ok = await updateStream('s-stale', 5, { positionSeq: 30, status: 'playing' }, { expectPositionSeq: 20, expectStatus: ['paused', 'starting'] });
    expect(ok).toMatchObject({ positionSeq: 30, status: 'playing' });
  });

  it('fences concurrent writers: of 10 writers on one epoch that bump it, exactly one wins', async () => {
    await createStream(stream('s-race', { epoch: 1 }));
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => updateStream('s-race', 1, { epoch: 2, speed: i + 1 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof StaleEpochError)).toHaveLength(9);
  });

  it('counts clients atomically under 50 parallel joins and leaves, keeping idleSince true to the count', async () => {
    await createStream(stream('s-count', { clientCount: 0, idleSince: 500 }));
    const ups = await Promise.all(Array.from({ length: 50 }, () => addClients('s-count', 1, 1_000)));
    expect(ups.every((r) => r!.clientCount >= 1 && r!.clientCount <= 50)).toBe(true);
    expect(Math.max(...ups.map((r) => r!.clientCount))).toBe(50);
    let row = await getStream('s-count', { consistent: true });
    expect(row?.clientCount).toBe(50);
    expect(row?.idleSince).toBeUndefined();

    // 50 leaves interleaved with 20 joins, all at once: 50 + 20 − 50 = 20.
    const ops = [...Array.from({ length: 50 }, () => -1), ...Array.from({ length: 20 }, () => 1)].sort(() => Math.random() - 0.5);
    await Promise.all(ops.map((d) => addClients('s-count', d, 2_000)));
    row = await getStream('s-count', { consistent: true });
    expect(row?.clientCount).toBe(20);
    expect(row?.idleSince).toBeUndefined();

    // 20 leaves and 5 joins/leaves pairs racing to zero: idle from then on.
    await Promise.all([...Array.from({ length: 20 }, () => addClients('s-count', -1, 3_000)), ...Array.from({ length: 5 }, async () => {
      await addClients('s-count', 1, 3_000);
      await addClients('s-count', -1, 3_000);
    })]);
    row = await getStream('s-count', { consistent: true });
    expect(row?.clientCount).toBe(0);
    expect(row?.idleSince).toBe(3_000);

    // One join clears idleSince again.
    expect((await addClients('s-count', 1, 4_000))?.idleSince).toBeUndefined();
    expect(await addClients('s-no-such-stream', 1)).toBeUndefined();
    expect(await getStream('s-no-such-stream', { consistent: true })).toBeUndefined();
  });

  it('lists streams by status through byStatus, across pages', async () => {
    for (let i = 0; i < 7; i++) await createStream(stream(`st-sched-${i}`, { status: 'scheduled' }));
    await createStream(stream('st-paused', { status: 'paused' }));
    const scheduled = await listStreamsByStatus(['scheduled'], { pageSize: 2 });
    expect(scheduled.map((s) => s.streamId)).toEqual(Array.from({ length: 7 }, (_, i) => `st-sched-${i}`));
    expect(scheduled[0]).toMatchObject({ gameId: 'g1', title: 'A match' }); // projection ALL
    const both = await listStreamsByStatus(['scheduled', 'paused']);
    expect(both.map((s) => s.streamId)).toContain('st-paused');
    expect(both.every((s) => s.status === 'scheduled' || s.status === 'paused')).toBe(true);
    expect(await listStreamsByStatus(['scheduled'], { maxItems: 3, pageSize: 2 })).toHaveLength(3);
  });
});

describe('exact moves of a connection (the serialization point of clientCount)', () => {
  const repos = () => {
    const client = documentClient();
    return {
      connections: new DynamoConnectionRegistry({ client, tableName: TEST_TABLES.connections }),
      streams: new DynamoStreamStore({ client, tableName: TEST_TABLES.streams }),
    };
  };

  it('attach reports the attachment it replaced; of concurrent attaches each sees a different one', async () => {
    const { connections } = repos();
    await connections.put(conn('m1'));
    expect((await connections.attach('m1', 'spectate:a', 'spectator')).previous).toBeUndefined();
    const again = await connections.attach('m1', 'spectate:b', 'player');
    expect(again).toMatchObject({ connectionId: 'm1', streamId: 'spectate:b', role: 'player', previous: { streamId: 'spectate:a', role: 'spectator' } });
    // Six racing attaches of one connection: the replaced attachments form one chain — every
    // attachment but the last is replaced exactly once, so each stream is uncounted once.
    const targets = ['s-1', 's-2', 's-3', 's-4', 's-5', 's-6'];
    const results = await Promise.all(targets.map((t) => connections.attach('m1', t, 'spectator')));
    const replaced = results.map((r) => r.previous?.streamId).sort();
    const last = (await connections.get('m1'))!.streamId!;
    expect(replaced).toEqual(['spectate:b', ...targets.filter((t) => t !== last)].sort());
    // The bookkeeping stays out of what callers read.
    expect(Object.keys((await connections.get('m1'))!).sort()).toEqual([...Object.keys(conn('m1')), 'role', 'streamId'].sort());
  });

  it('of a detach and a delete racing, only one sees the streamId; a deleted connection takes no attach', async () => {
    const { connections } = repos();
    for (let i = 0; i < 5; i++) {
      const id = `m-race-${i}`;
      await connections.put(conn(id));
      await connections.attach(id, 'spectate:r', 'spectator');
      const [detached, deleted] = await Promise.all([connections.detach(id), connections.delete(id)]);
      expect([detached?.streamId, deleted?.streamId].filter(Boolean)).toEqual(['spectate:r']);
      expect(await connections.get(id)).toBeUndefined();
      await expect(connections.attach(id, 'spectate:r', 'spectator')).rejects.toBeInstanceOf(NotFoundError);
      expect(await connections.get(id)).toBeUndefined(); // not re-created
    }
  });

  it('a delete reports the streamId it took the connection off, once', async () => {
    const { connections } = repos();
    await connections.put(conn('m-del'));
    await connections.attach('m-del', 'spectate:d', 'player');
    expect(await connections.delete('m-del')).toMatchObject({ connectionId: 'm-del', streamId: 'spectate:d', role: 'player' });
    expect(await connections.delete('m-del')).toBeUndefined();
    await connections.put(conn('m-del-2'));
    expect((await connections.delete('m-del-2'))?.streamId).toBeUndefined();
  });

  it('replacing a finished stream keeps the count of the connections still attached under its id', async () => {
    const { connections, streams } = repos();
    await streams.create(stream('pvp:g1:keep', { mode: 'pvp', status: 'playing', epoch: 2 }));
    for (const id of ['k-1', 'k-2']) {
      await connections.put(conn(id));
      await connections.attach(id, 'pvp:g1:keep', 'spectator');
      await streams.addClients('pvp:g1:keep', 1, 1_000);
    }
    await streams.markControllers('pvp:g1:keep', false, 1_500);
    await streams.update('pvp:g1:keep', 2, { status: 'ended', endedReason: 'stopped', expiresAt: 99 });
    const before = (await streams.get('pvp:g1:keep', { consistent: true }))!;

    await streams.create(stream('pvp:g1:keep', { mode: 'pvp', status: 'starting', epoch: 3, idleSince: 2_000, title: 'New' }), { replaceFinishedEpoch: 2 });
    const row = (await streams.get('pvp:g1:keep', { consistent: true }))!;
    expect(row).toMatchObject({ epoch: 3, status: 'starting', title: 'New', clientCount: 2, presenceVersion: before.presenceVersion });
    // Nothing of the finished stream is left but the count; not idle, since it has viewers.
    for (const k of ['endedReason', 'expiresAt', 'controllersGoneSince', 'idleSince'] as const) expect(row[k]).toBeUndefined();
    expect((await countStreamConnections('pvp:g1:keep')).clients).toBe(row.clientCount);
    // The old viewers leave: the count follows them down to the truth, and the stream is idle.
    for (const id of ['k-1', 'k-2']) if ((await connections.delete(id))?.streamId) await streams.addClients('pvp:g1:keep', -1, 3_000);
    expect(await streams.get('pvp:g1:keep', { consistent: true })).toMatchObject({ clientCount: 0, idleSince: 3_000 });

    // A replacement with no viewer left is idle from its creation.
    await streams.update('pvp:g1:keep', 3, { status: 'failed' });
    await streams.create(stream('pvp:g1:keep', { mode: 'pvp', status: 'starting', epoch: 4, idleSince: 4_000 }), { replaceFinishedEpoch: 3 });
    expect(await streams.get('pvp:g1:keep', { consistent: true })).toMatchObject({ epoch: 4, clientCount: 0, idleSince: 4_000 });
  });

  it('notes a count check and repairs the count only while nothing moved since', async () => {
    const { streams } = repos();
    await streams.create(stream('s-repair', { clientCount: 0, idleSince: 10 }));
    const counted = (await streams.addClients('s-repair', 1, 20))!; // presenceVersion 1
    const check = { clientCount: 1, presenceVersion: counted.presenceVersion!, clients: 0, at: 30 };
    expect(await streams.noteCountCheck('s-repair', check)).toBe(true);
    expect(await streams.noteCountCheck('s-repair', { ...check, presenceVersion: 99 })).toBe(false);
    expect(await streams.noteCountCheck('s-nope', check)).toBe(false);
    expect(await streams.get('s-nope', { consistent: true })).toBeUndefined();
    expect(await streams.repairClientCount('s-repair', { ...check, clientCount: 5 }, 0, 40)).toBeUndefined();
    const repaired = await streams.repairClientCount('s-repair', check, 0, 40);
    expect(repaired).toMatchObject({ clientCount: 0, presenceVersion: check.presenceVersion + 1, idleSince: 40 });
    expect((repaired as StreamRow & { countCheck?: unknown }).countCheck).toBeUndefined();
    // Applied once: the same check no longer matches.
    expect(await streams.repairClientCount('s-repair', check, 0, 50)).toBeUndefined();
  });

  it('repairs a row whose count never moved (no presenceVersion yet: it reads as 0)', async () => {
    const { streams } = repos();
    await streams.create(stream('s-unmoved', { clientCount: 0, idleSince: 10 }));
    const check = { clientCount: 0, presenceVersion: 0, clients: 1, at: 30 };
    expect(await streams.noteCountCheck('s-unmoved', check)).toBe(true);
    expect(await streams.repairClientCount('s-unmoved', check, 1, 40)).toMatchObject({ clientCount: 1, presenceVersion: 1 });
    expect((await streams.get('s-unmoved', { consistent: true }))?.idleSince).toBeUndefined();
  });
});

describe('Games', () => {
  const game = (gameId: string, title: string): GameRow => ({
    gameId,
    title,
    kind: 'tennis',
    recordingKey: `recordings/${gameId}.jsonl`,
    indexKey: `recordings/${gameId}.jsonl.idx.json`,
    durationMs: 1000,
    frameCount: 10,
    participants: ['A', 'B'],
    createdAt: 1,
  });

  it('puts, gets and lists the catalog, sorted by title, across pages', async () => {
    await putGame(game('g-b', 'Beta'));
    await putGame(game('g-a', 'Alpha'));
    await putGame(game('g-c', 'Gamma'));
    expect(await getGame('g-a')).toEqual(game('g-a', 'Alpha'));
    expect(await getGame('g-none')).toBeUndefined();
    expect((await listGames({ pageSize: 1 })).map((g) => g.title)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(await listGames({ maxItems: 2, pageSize: 1 })).toHaveLength(2);
  });
});
