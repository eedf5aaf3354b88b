/**
 * The local stack for end-to-end and browser tests: the real `npm start` system on a free
 * port, sample recordings indexed, state in a temp folder removed on close.
 */
import { startLocalStack as start, type LocalStack, type LocalStackOptions } from '../../local/stack';

export type { LocalStack };

/** Start local mode for a test (port 0, no runtime file, quiet). */
export function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  return start({ port: 0, writeRuntimeFile: false, ...opts });
}
