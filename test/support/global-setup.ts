/**
 * jest globalSetup of the lanes that boot local mode (jest.config.js): synthesize the full
 * stack's template once per run, as local mode does (local/synth.ts `synthTemplate()`, the
 * default props), write it to a temp file and name that file in
 * `MATCHCAST_TEST_TEMPLATE` for the workers (test/support/shared-template.ts reads it).
 * Runs once per lane; a second lane in the same run finds the file and reuses it.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthTemplate } from '../../local/synth';
import { SHARED_TEMPLATE_ENV } from './shared-template-env';

export default function globalSetup(): void {
  const existing = process.env[SHARED_TEMPLATE_ENV];
  if (existing && existsSync(existing)) return;
  // As in every test: aws-cdk-lib's template validation is the hygiene test's job.
  process.env.CDK_VALIDATION ??= 'false';
  const file = join(mkdtempSync(join(tmpdir(), 'matchcast-template-')), 'Matchcast.template.json');
  writeFileSync(file, JSON.stringify(synthTemplate()));
  process.env[SHARED_TEMPLATE_ENV] = file;
}
