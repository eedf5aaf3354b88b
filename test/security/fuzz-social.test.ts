/**
 * Fuzzing, part 2: more refused messages through the gateway's dispatch, hostile
 * chat/react/input messages (relayed exactly or refused, never stored), refused messages as
 * real WebSocket frames, an oversize and a binary frame — see fuzz-suite.ts. By default 900
 * dispatched, 200 social and 140 over WebSocket; under `MATCHCAST_SOAK=1`
 * (test/support/soak.ts) 2,700, 600 and 420 — with part 1 (fuzz.test.ts) over 10,000
 * hostile messages per run.
 */
import { soak } from '../support/soak';
import { fuzzSuite } from './fuzz-suite';

jest.setTimeout(600_000); // a bound against a hang, generous for a busy machine

fuzzSuite({
  file: 'test/security/fuzz-social.test.ts',
  seed: 20_260_405,
  batches: soak(3, 9),
  social: soak(200, 600),
  ws: soak(140, 420),
  minSent: soak(1_240, 3_700),
});
