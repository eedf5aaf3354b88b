/**
 * jest globalSetup of the lanes that boot local mode (jest.config.js), once per run, into
 * one temp folder that test/support/global-teardown.ts removes:
 *
 * - the full stack's template, synthesized as local mode does (local/synth.ts
 *   `synthTemplate()`, the default props), its state machine checked (local/stack.ts
 *   `checkStateMachine`), named in `MATCHCAST_TEST_TEMPLATE` for the workers
 *   (test/support/shared-template.ts reads it);
 * - the sample recordings converted to matchcast/1 as local mode's sample loader does
 *   (local/samples.ts), named in `MATCHCAST_TEST_SAMPLES` (test/support/samples-cache.ts;
 *   test/support/shared-samples.ts uploads them).
 *
 * Runs once per lane; a second lane in the same run finds the files and reuses them.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { convertFiles, isConvertible } from '../../convert';
import { checkStateMachine } from '../../local/stack';
import { synthTemplate } from '../../local/synth';
import { prepareRecording } from '../../scripts/lib/upload';
import { SAMPLES_CACHE_ENV, type SamplesCache } from './samples-cache';
import { SHARED_TEMPLATE_ENV } from './shared-template-env';

export default function globalSetup(): void {
  const existing = process.env[SHARED_TEMPLATE_ENV];
  if (existing && existsSync(existing) && existsSync(process.env[SAMPLES_CACHE_ENV] ?? '')) return;
  // As in every test: aws-cdk-lib's template validation is the hygiene test's job.
  process.env.CDK_VALIDATION ??= 'false';
  const dir = mkdtempSync(join(tmpdir(), 'matchcast-template-'));
  const template = join(dir, 'Matchcast.template.json');
  const synthesized = synthTemplate();
  // Checked here once, so the workers' local stacks skip the check (test/support/local-stack.ts).
  checkStateMachine(synthesized);
  writeFileSync(template, JSON.stringify(synthesized));
  const samples = join(dir, 'samples.json');
  writeSamplesCache(resolve(__dirname, '..', '..', 'samples'), samples); // local/stack.ts: PROJECT_ROOT/samples
  process.env[SHARED_TEMPLATE_ENV] = template;
  process.env[SAMPLES_CACHE_ENV] = samples;
}

/** Every file under `dir`, recursively (the order local/samples.ts reads them in). */
function walk(dir: string): string[] {
  // Without local/samples.ts EVENT_DIR (a whole event: loaded only by `npm start -- --event`).
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'full-event' ? [] : walk(join(dir, e.name))) : [join(dir, e.name)]));
}

/**
 * Convert every sample under `root` as local/samples.ts `uploadSamples` does (each convertible
 * file, named by its path relative to `root`, through convert/ `convertFiles`, then serialized
 * by scripts/lib/upload.ts `prepareRecording`) and write them to `file` as a {@link SamplesCache}.
 * Throws what the converters throw.
 */
export function writeSamplesCache(root: string, file: string): void {
  const files = walk(root)
    .filter((p) => isConvertible(p))
    .map((p) => ({ name: relative(root, p), content: readFileSync(p) }));
  const samples = convertFiles(files).map((r) => {
    const prepared = prepareRecording(r);
    return { header: r.header, key: prepared.key, body: prepared.body.toString('utf8') };
  });
  const cache: SamplesCache = { root: resolve(root), samples };
  writeFileSync(file, JSON.stringify(cache));
}

