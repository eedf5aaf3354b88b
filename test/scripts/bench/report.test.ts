import { evaluateTargets, type BenchResult } from '../../../scripts/bench/report';
import type { SpectateResult } from '../../../scripts/bench/spectate';

/** A spectator run with only what the targets read. */
function run(viewers: number, p99: number, complete: number, opts: { leadMs?: number; share?: number } = {}): SpectateResult {
  return {
    viewers,
    leadMs: opts.leadMs ?? 0,
    analysis: {
      lateness: { p99 },
      completeness: { complete, missing: viewers - complete },
      ...(opts.share !== undefined ? { playout: { shareBeforeDueAt: opts.share } } : {}),
    },
  } as unknown as SpectateResult;
}

function result(over: Partial<BenchResult>): BenchResult {
  return { spectators: [], buffered: [], ...over } as BenchResult;
}

const met = (rows: ReturnType<typeof evaluateTargets>) => Object.fromEntries(rows.map((r) => [r.target, r.met]));

describe('evaluateTargets', () => {
  it('marks each target met, not met, or not measured', () => {
    const rows = met(
      evaluateTargets(
        result({
          spectators: [run(1000, 149, 1000), run(5000, 9000, 4999)],
          buffered: [run(5000, -100, 5000, { leadMs: 2000, share: 0.995 })],
          deliveries: { ratioToRaw: 0.4, wholePath: { viewers: 5000, postsPerSecond: 400 }, rawHttp: { postsPerSecond: 1000 } } as BenchResult['deliveries'],
        }),
      ),
    );
    expect(rows['whole path ÷ raw HTTP ≥ 0.5']).toBe(false);
    expect(rows['1,000 viewers, leadMs 0: p99 ≤ 150 ms']).toBe(true);
    expect(rows['5,000 viewers complete (leadMs 0)']).toBe(false);
    expect(rows['5,000 viewers complete (playout buffer)']).toBe(true);
    expect(rows['playout buffer, 5,000 viewers: ≥ 99 % of pairs before dueAt']).toBe(true);
    expect(rows['AWS model: one message to 10,000 viewers ≤ 1 s']).toBeUndefined();
  });

  it('says why the buffered targets are missing', () => {
    const rows = evaluateTargets(result({ bufferedNote: 'needs the playout buffer' }));
    const share = rows.find((r) => r.target.startsWith('playout buffer'));
    expect(share).toMatchObject({ met: undefined, figure: '(needs the playout buffer)' });
    expect(rows.find((r) => r.target === '1,000 viewers, leadMs 0: p99 ≤ 150 ms')).toMatchObject({ met: undefined, figure: 'not measured' });
  });
});
