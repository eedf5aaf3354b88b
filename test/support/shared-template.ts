/**
 * jest setupFile of the lanes that boot local mode (jest.config.js): `synthTemplate()` of
 * local/synth.ts called without options — what local mode (local/stack.ts) and the stand-in
 * helpers call — returns a copy of the template synthesized once for the run by
 * test/support/global-setup.ts, instead of building the stack again in every test file
 * (loading aws-cdk-lib and synthesizing costs seconds per file on a busy machine). Calls
 * with options (other props, other context) run the real `synthTemplate`. Without the
 * shared file (a lane run without its globalSetup) every call is the real one.
 */
import { readFileSync } from 'node:fs';
import type * as Synth from '../../local/synth';
import { SHARED_TEMPLATE_ENV } from './shared-template-env';

jest.mock('../../local/synth', () => {
  const actual = (): typeof Synth => jest.requireActual<typeof Synth>('../../local/synth');
  let shared: string | undefined;
  const synthTemplate: typeof Synth.synthTemplate = (opts) => {
    const file = process.env[SHARED_TEMPLATE_ENV];
    const defaults = opts === undefined || Object.keys(opts).length === 0;
    if (!file || !defaults) return actual().synthTemplate(opts);
    shared ??= readFileSync(file, 'utf8');
    return JSON.parse(shared) as Record<string, any>;
  };
  // Any other export is the real one, loaded only when used.
  return new Proxy({} as typeof Synth, {
    get: (_, key) => (key === 'synthTemplate' ? synthTemplate : key === '__esModule' ? true : (actual() as any)[key]),
  });
});
