/**
 * jest setupFile of the lanes that boot local mode (jest.config.js): local/samples.ts
 * `uploadSamples` — what local mode (local/stack.ts step 7) calls — uploads the samples the
 * run's globalSetup converted once (test/support/samples-cache.ts) instead of converting
 * samples/ again in every test file. The upload is what the real one does
 * (scripts/lib/upload.ts `uploadRecordings`): each key compared first (`planUploads`: a
 * persistent data folder's unchanged recordings are not written again), a differing one
 * refused (`ReplaceRefusedError`), the rest written in order with `putRecording`; the bucket
 * notification then runs the index Lambda as always. Resolves with the game ids in the
 * real order. Another folder than the cached one, or no cache (a lane run without its
 * globalSetup), runs the real `uploadSamples`.
 */
import type * as Samples from '../../local/samples';

jest.mock('../../local/samples', () => {
  const actual = (): typeof Samples => jest.requireActual<typeof Samples>('../../local/samples');
  const uploadSamples: typeof Samples.uploadSamples = async (opts) => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { readSamplesCache } = require('./samples-cache') as typeof import('./samples-cache');
    const cache = readSamplesCache(opts.root);
    if (!cache) return actual().uploadSamples(opts);
    const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
    const upload = require('../../scripts/lib/upload') as typeof import('../../scripts/lib/upload');
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Only the header, key and body are read by the plan, the put and the refusal.
    const prepared = cache.samples.map((s) => ({ recording: { header: s.header, frames: [] }, key: s.key, body: Buffer.from(s.body, 'utf8') }));
    const s3 = new S3Client({
      endpoint: opts.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    try {
      const plans = await upload.planUploads(s3, opts.bucket, prepared);
      const refused = plans.filter((p): p is Extract<typeof p, { action: 'differs' }> => p.action === 'differs');
      if (refused.length > 0) throw new upload.ReplaceRefusedError(refused);
      for (const p of plans) if (p.action !== 'unchanged') await upload.putRecording(s3, opts.bucket, p.rec);
      return cache.samples.map((s) => s.header.gameId);
    } finally {
      s3.destroy();
    }
  };
  return { __esModule: true, uploadSamples };
});
