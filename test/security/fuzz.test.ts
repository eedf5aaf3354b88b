/**
 * Fuzzing, part 1: 6,600 hostile messages that must be refused, from connections
 * in seven states, through the gateway's route dispatch — see fuzz-suite.ts for what is
 * generated and asserted. Part 2 is fuzz-social.test.ts.
 */
import { fuzzSuite } from './fuzz-suite';

jest.setTimeout(180_000);

fuzzSuite({ file: 'test/security/fuzz.test.ts', seed: 20_260_404, batches: 22, social: 0, ws: 0, minSent: 6_600 });
