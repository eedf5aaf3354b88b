/**
 * The reaction windows on the local DynamoDB (dynalite, the Connections table from the
 * synthesized template): adds are counted per emoji and the first is told it is first; the
 * close returns the counts and refuses every later add (`closed`), also under concurrent
 * adds racing the close — each reaction is in the closed window's counts or refused, never both.
 */
import { useLocalAwsWithConnections } from '../../support/aws-local';
import { ENV, requireEnv } from '../../../lambda/adapters/config';
import { documentClient } from '../../../lambda/adapters/dynamo-write';
import { DynamoReactionWindows } from '../../../lambda/adapters/reaction-windows';

useLocalAwsWithConnections({ s3: false });

const windows = () => new DynamoReactionWindows({ client: documentClient(), tableName: requireEnv(ENV.connectionsTable, process.env) });

describe('DynamoReactionWindows', () => {
  it('counts each emoji, tells the first add it is first, and closes with the counts', async () => {
    const w = windows();
    expect(await w.add('spectate:g1', 10_000, '🔥')).toBe('first');
    expect(await w.add('spectate:g1', 10_000, '🔥')).toBe('counted');
    expect(await w.add('spectate:g1', 10_000, '👏')).toBe('counted');
    expect(await w.add('spectate:g1', 11_000, '👏')).toBe('first'); // another window
    expect(await w.close('spectate:g1', 10_000)).toEqual({ '🔥': 2, '👏': 1 });
    expect(await w.add('spectate:g1', 10_000, '🔥')).toBe('closed');
    expect(await w.close('spectate:g1', 10_000)).toEqual({ '🔥': 2, '👏': 1 }); // nothing counted after the close
    expect(await w.close('spectate:g2', 10_000)).toEqual({}); // a window nobody reacted in
  });

  it('under adds racing the close, every add is either in the closed counts or refused', async () => {
    const w = windows();
    expect(await w.add('spectate:race', 20_000, '🔥')).toBe('first');
    const adds = Array.from({ length: 40 }, () => w.add('spectate:race', 20_000, '🔥'));
    const closing = new Promise<Record<string, number>>((resolve, reject) => setImmediate(() => w.close('spectate:race', 20_000).then(resolve, reject)));
    const outcomes = await Promise.all(adds);
    const counts = await closing;
    const counted = outcomes.filter((o) => o === 'counted').length;
    expect(outcomes.every((o) => o === 'counted' || o === 'closed')).toBe(true);
    expect(counts['🔥']).toBe(1 + counted);
  });
});
