/**
 * Fuzzing, part 2: 2,700 more refused messages through the gateway's dispatch,
 * 600 hostile chat/react/input messages (relayed exactly or refused, never stored), 420
 * refused messages as real WebSocket frames, an oversize and a binary frame — see
 * fuzz-suite.ts. With part 1 (fuzz.test.ts) over 10,000 hostile messages per run.
 */
import { fuzzSuite } from './fuzz-suite';

jest.setTimeout(180_000);

fuzzSuite({ file: 'test/security/fuzz-social.test.ts', seed: 20_260_405, batches: 9, social: 600, ws: 420, minSent: 3_700 });
