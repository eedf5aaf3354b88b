/**
 * jest testSequencer (jest.config.js): the order in which one jest run starts its test files.
 *
 * 1. Files that failed on the previous run first (as jest's own sequencer does): the fastest
 *    news of whether a fix worked.
 * 2. Then longest first, across lanes (`npm test` runs cdk, integration and e2e in one jest
 *    run): the classic longest-processing-time-first order, so the run does not end on one
 *    long file while the other workers idle. Lane by lane, the long e2e files (a match played
 *    at 64×, a fuzz run, a browser) started only after every cdk and integration file, and the
 *    run ended on them; across lanes they start at once, and the many short cdk and
 *    integration files fill the end of the run. Ties (same duration) keep the lane order of
 *    {@link LANE_ORDER}, so each lane run alone keeps its usual order.
 *    The duration is the one jest cached on an earlier run on this machine, or — on a fresh
 *    clone (CI), which has no cache — the one measured here ({@link MEASURED_S}): jest's own
 *    fallback, the biggest file first, says little here (a short file can boot local mode and
 *    a browser and play a match). A file with neither counts as 0 s and runs after the
 *    measured files, biggest first.
 */
const Sequencer = require('@jest/test-sequencer').default;
const { relative } = require('node:path');

/** The lanes (jest projects' displayName, jest.config.js) in the order they break ties. */
const LANE_ORDER = ['unit', 'cdk', 'integration', 'e2e'];

/**
 * Seconds per file (path from the project root), the ones of 5 s or more: jest's figures from
 * one quiet `npm test` here (2026-12-03; the unit lane on two workers, the others on three,
 * two cores). Only the order matters.
 */
const MEASURED_S = {
  'test/kinds/kinds.test.ts': 13,
  'test/kinds/lean.test.ts': 8,
  'test/kinds/terminal.test.ts': 5,
  'test/convert/tennis.test.ts': 5,
  'test/e2e/faults.test.ts': 65,
  'test/browser/web.test.ts': 53,
  'test/browser/layout.test.ts': 30,
  'test/e2e/control.test.ts': 35,
  'test/security/fuzz-social.test.ts': 40,
  'test/e2e/lifecycle.test.ts': 37,
  'test/lambda/adapters/faults-dynamo.test.ts': 5,
  'test/browser/web-cricket.test.ts': 32,
  'test/browser/live-real.test.ts': 30,
  'test/security/churn.test.ts': 20,
  'test/browser/honest-client.test.ts': 26,
  'test/browser/catalog.test.ts': 60,
  'test/e2e/scheduled.test.ts': 25,
  'test/e2e/spectate.test.ts': 25,
  'test/e2e/snapshots.test.ts': 22,
  'test/browser/kinds.test.ts': 21,
  'test/browser/schedule-live.test.ts': 19,
  'test/e2e/ratelimit.test.ts': 19,
  'test/security/fairness.test.ts': 18,
  'test/browser/operator.test.ts': 17,
  'test/security/fuzz.test.ts': 17,
  'test/e2e/social.test.ts': 16,
  'test/e2e/faults-restart.test.ts': 14,
  'test/lib/hygiene.test.ts': 13,
  'test/scripts/publish.test.ts': 12,
  'test/browser/web-terminal.test.ts': 12,
  'test/e2e/live.test.ts': 12,
  'test/scripts/ingest.test.ts': 11,
  'test/lambda/adapters/fanout-shards.test.ts': 10,
  'test/lambda/adapters/fanout.test.ts': 9,
  'test/lambda/adapters/faults-tick.test.ts': 8,
  'test/lib/nag.test.ts': 7,
  'test/e2e/metrics.test.ts': 7,
  'test/lib/player-workflow.test.ts': 6,
  'test/local/stepfunctions.test.ts': 6,
  'test/lib/throttles.test.ts': 6,
  'test/lib/matchcast-stack.test.ts': 6,
  'test/lib/web-client.test.ts': 6,
  'test/e2e/quotas.test.ts': 6,
  'test/scripts/watch-local.test.ts': 6,
  'test/lambda/adapters/live.test.ts': 5,
  'test/lib/function.test.ts': 5,
};

/** A test's lane: its project's displayName (a string, or `{ name }`). */
function laneOf(test) {
  const d = test.context.config.displayName;
  const name = typeof d === 'string' ? d : d && d.name;
  const i = LANE_ORDER.indexOf(name);
  return i === -1 ? LANE_ORDER.length : i;
}

class LongestFirstSequencer extends Sequencer {
  /** The cached duration (ms) of `test`, else the measured one, else 0. */
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const path = relative(test.context.config.rootDir, test.path).split('\\').join('/');
    return (MEASURED_S[path] ?? 0) * 1000;
  }

  sort(tests) {
    const size = (t) => t.context.hasteFS.getSize(t.path) ?? 0;
    const key = new Map(tests.map((t) => [t, { failed: this.hasFailed(t) ? 0 : 1, lane: laneOf(t), ms: (t.duration = this.time(t)), size: size(t) }]));
    return [...tests].sort((a, b) => {
      const x = key.get(a);
      const y = key.get(b);
      return x.failed - y.failed || y.ms - x.ms || x.lane - y.lane || y.size - x.size;
    });
  }
}

module.exports = LongestFirstSequencer;
