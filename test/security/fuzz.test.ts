/**
 * Fuzzing, part 1: hostile messages that must be refused, from connections in seven states,
 * through the gateway's route dispatch — see fuzz-suite.ts for what is generated and
 * asserted. 1,200 by default, 6,600 under `MATCHCAST_SOAK=1` (test/support/soak.ts). Part 2
 * is fuzz-social.test.ts.
 */
import { soak } from '../support/soak';
import { fuzzSuite } from './fuzz-suite';

jest.setTimeout(600_000); // a bound against a hang, generous for a busy machine

fuzzSuite({ file: 'test/security/fuzz.test.ts', seed: 20_260_404, batches: soak(4, 22), social: 0, ws: 0, minSent: soak(1_200, 6_600) });
