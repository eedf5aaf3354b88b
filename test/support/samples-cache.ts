/**
 * The sample recordings converted once per test run instead of once per local stack.
 *
 * Every test file that boots local mode uploads the samples (local/stack.ts step 7,
 * local/samples.ts `uploadSamples`): reading samples/ and converting every file to
 * matchcast/1 costs that file about half a second of CPU (more on a busy machine), the same
 * work each time. The lanes' globalSetup (test/support/global-setup.ts) converts them once
 * (`writeSamplesCache`) into a per-run file named in {@link SAMPLES_CACHE_ENV};
 * test/support/shared-samples.ts has `uploadSamples` upload those bodies. The upload itself
 * — the same keys and bytes, the bucket notification, the index Lambda — is unchanged.
 * This module only reads (no converter is loaded in the test files).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RecordingHeader } from '../../protocol/recording';

/** The environment variable naming the run's converted samples (a JSON file, {@link SamplesCache}). */
export const SAMPLES_CACHE_ENV = 'MATCHCAST_TEST_SAMPLES';

/** One converted sample: its header, its key (`recordings/{gameId}.jsonl`) and its serialized matchcast/1 body (UTF-8 text). */
export interface CachedSample {
  header: RecordingHeader;
  key: string;
  body: string;
}

/** The run's converted samples: the folder they came from (absolute) and the recordings, in `uploadSamples`' order. */
export interface SamplesCache {
  root: string;
  samples: CachedSample[];
}

/** The run's cache when {@link SAMPLES_CACHE_ENV} names one made from `root`; `undefined` otherwise (the caller converts). */
export function readSamplesCache(root: string): SamplesCache | undefined {
  const file = process.env[SAMPLES_CACHE_ENV];
  if (!file) return undefined;
  const cache = JSON.parse(readFileSync(file, 'utf8')) as SamplesCache;
  return cache.root === resolve(root) ? cache : undefined;
}
