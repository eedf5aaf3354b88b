/**
 * Presence (application/presence.ts) on the adapters the disconnect function builds
 * (handlers/disconnect.ts `fromEnvironment`), against dynalite and a fake `@connections`.
 */
import { streamRowFixture, useLocalAwsWithConnections } from '../../support/aws-local';
import { addClients, attachConnection, createStream, getStream, putConnection } from './env-adapters';
import { announcePresence as announce } from '../../../lambda/application/presence';
import { fromEnvironment, type DisconnectDeps } from '../../../lambda/handlers/disconnect';
import type { StreamRow } from '../../../contract/rows';
import type { PresenceMessage } from '../../../protocol/messages';

const { fake } = useLocalAwsWithConnections({ s3: false });

const streamRow = (streamId: string): StreamRow => streamRowFixture(streamId);

let deps: DisconnectDeps | undefined;
/** application/presence.ts `announcePresence` on the disconnect function's adapters (built on first use, once the environment is set). */
const announcePresence = (streamId: string, version?: number): Promise<void> => announce((deps ??= fromEnvironment(process.env)), streamId, version);

/** Attach one connection as a join does and return the stream's presenceVersion after it. */
async function join(streamId: string, id: string): Promise<number | undefined> {
  await putConnection({ connectionId: id, userId: `u-${id}`, displayName: id, connectedAt: 0, lastSeenAt: 0, expiresAt: 9e9 });
  await attachConnection(id, streamId, 'spectator');
  return (await addClients(streamId, 1))?.presenceVersion;
}

const presences = (id: string): PresenceMessage[] =>
  fake()
    .received(id)
    .map((b) => JSON.parse(b) as PresenceMessage)
    .filter((m) => m.type === 'presence');

describe('announcePresence', () => {
  it('coalesces a join storm into a few broadcasts, the last of which counts everyone', async () => {
    await createStream(streamRow('s-storm'));
    const ids = Array.from({ length: 20 }, (_, i) => `st-${String(i).padStart(2, '0')}`);
    // Twenty joins at once, each announcing its own change, as twenty control Lambdas would.
    await Promise.all(ids.map(async (id) => announcePresence('s-storm', await join('s-storm', id))));

    for (const id of ids) {
      const got = presences(id);
      expect(got.length).toBeGreaterThanOrEqual(1);
      expect(got.at(-1)).toEqual({ type: 'presence', streamId: 's-storm', clients: 20, players: 0, spectators: 20 });
    }
    // One broadcast per join would have posted 20 presences to the first joiner.
    expect(presences(ids[0]!).length).toBeLessThanOrEqual(4);
    const row = await getStream('s-storm', { consistent: true });
    expect(row?.presenceSentVersion).toBe(row?.presenceVersion);
  });

  it('announces a change made just after a broadcast once the interval has passed', async () => {
    await createStream(streamRow('s-late'));
    await announcePresence('s-late', await join('s-late', 'la-0'));
    expect(presences('la-0').map((m) => m.clients)).toEqual([1]);

    await announcePresence('s-late', await join('s-late', 'la-1'));
    expect(presences('la-0').map((m) => m.clients)).toEqual([1, 2]);
    expect(presences('la-1').map((m) => m.clients)).toEqual([2]);
    // That it waited for the interval (rather than broadcasting twice within it) is checked on
    // a moved clock: test/lambda/application/presence.test.ts.
  });

  it('does nothing for a stream row that is gone', async () => {
    await announcePresence('s-never', 1);
    expect(fake().receivedIds()).toEqual([]);
  });
});
