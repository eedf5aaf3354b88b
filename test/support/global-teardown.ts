/**
 * jest globalTeardown of the lanes that boot local mode (jest.config.js): removes the folder
 * of the run's shared template and converted samples (test/support/global-setup.ts), once
 * the run is over.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { SAMPLES_CACHE_ENV } from './samples-cache';
import { SHARED_TEMPLATE_ENV } from './shared-template-env';

export default function globalTeardown(): void {
  const file = process.env[SHARED_TEMPLATE_ENV];
  if (!file) return;
  rmSync(dirname(file), { recursive: true, force: true });
  delete process.env[SHARED_TEMPLATE_ENV];
  delete process.env[SAMPLES_CACHE_ENV];
}
