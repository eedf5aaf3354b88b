/**
 * Ending a stream (application/end-stream.ts) on in-memory ports: the end lands on the row
 * as it is now, however often a concurrent control bumped its epoch between the read and
 * the write.
 */
import { endStream, MAX_END_ATTEMPTS } from '../../../lambda/application/end-stream';
import { StaleEpochError } from '../../../lambda/ports/errors';
import type { StreamRow } from '../../../contract/rows';
import { streamRowFixture } from '../../support/aws-local';
import { FakeBroadcaster, FakeWorkflow, InMemoryStreamStore, ManualTime } from '../fakes';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function setup(row: StreamRow) {
  const streams = new InMemoryStreamStore([row]);
  const workflow = new FakeWorkflow();
  const broadcaster = new FakeBroadcaster();
  const time = new ManualTime();
  return { streams, workflow, broadcaster, time, ports: { streams, workflow, broadcaster, time, log: silent } };
}

const pvai = (): StreamRow => streamRowFixture('pvai:g1:alice', { mode: 'pvai', status: 'playing', controllers: ['alice'], epoch: 3 });

describe('endStream', () => {
  it('ends the stream, stops its execution and broadcasts state then ended', async () => {
    const { ports, workflow, broadcaster, streams } = setup(pvai());
    const ended = await endStream(ports, pvai(), 'stopped', 'alice');
    expect(ended).toMatchObject({ status: 'ended', endedReason: 'stopped', epoch: 3 });
    expect((await streams.get('pvai:g1:alice'))?.status).toBe('ended');
    expect(workflow.stopped).toEqual([{ executionArn: expect.stringContaining(':execution:Player:'), cause: 'stream stopped' }]);
    expect(broadcaster.sentTo('pvai:g1:alice').map((m) => m.type)).toEqual(['state', 'ended']);
  });

  it('a stop racing controls that bump the epoch twice ends the newest row instead of throwing StaleEpochError', async () => {
    const { ports, streams, broadcaster } = setup(pvai());
    // Two controls (pause, then resume) land between each of the first two reads and writes.
    let bumps = 0;
    streams.beforeUpdate = (id, expected, changes) => {
      if (changes.status === 'ended' && bumps < 2) {
        bumps++;
        streams.poke(id, { epoch: expected + 1, status: bumps === 1 ? 'paused' : 'playing' });
      }
    };
    const ended = await endStream(ports, pvai(), 'stopped', 'alice');
    expect(ended).toMatchObject({ status: 'ended', endedReason: 'stopped', epoch: 5 });
    expect((await streams.get('pvai:g1:alice'))).toMatchObject({ status: 'ended', epoch: 5 });
    expect(streams.updates.map((u) => [u.expectedEpoch, u.applied])).toEqual([[3, false], [4, false], [5, true]]);
    expect(broadcaster.sentTo('pvai:g1:alice').at(-1)).toEqual({ type: 'ended', streamId: 'pvai:g1:alice', reason: 'stopped' });
  });

  it('does nothing when the row finished meanwhile', async () => {
    const { ports, streams, broadcaster } = setup(pvai());
    streams.beforeUpdate = (id, expected) => {
      if (expected === 3) streams.poke(id, { epoch: 4, status: 'ended', endedReason: 'idle' });
    };
    expect(await endStream(ports, pvai(), 'stopped', 'alice')).toBeUndefined();
    expect((await streams.get('pvai:g1:alice'))?.endedReason).toBe('idle');
    expect(broadcaster.fanOuts).toEqual([]);
  });

  it(`gives up with StaleEpochError only after ${MAX_END_ATTEMPTS} lost writes`, async () => {
    const { ports, streams } = setup(pvai());
    streams.beforeUpdate = (id, expected) => void streams.poke(id, { epoch: expected + 1 });
    await expect(endStream(ports, pvai(), 'stopped', 'alice')).rejects.toBeInstanceOf(StaleEpochError);
    expect(streams.updates).toHaveLength(MAX_END_ATTEMPTS);
  });

  it('cuts failureReason to 512 characters and does not stop the calling execution', async () => {
    const { ports, workflow } = setup(pvai());
    const ended = await endStream(ports, pvai(), 'failed', 'system', { failureReason: 'x'.repeat(600), stopExecution: false });
    expect(ended?.status).toBe('failed');
    expect(ended?.failureReason).toHaveLength(512);
    expect(workflow.stopped).toEqual([]);
  });
});
