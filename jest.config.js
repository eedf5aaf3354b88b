/**
 * jest: TypeScript through swc (fast, no type-check — `tsc --noEmit` runs first in `npm test`).
 *
 * Four lanes (jest projects), matched by folder, so a new test file lands in its folder's lane:
 * - `unit`: pure code, no I/O (test/lambda/core, test/protocol, test/convert, test/web,
 *   test/client, test/scripts/lib, test/scripts/bench — every folder not named below);
 * - `cdk`: the CDK constructs (test/lib);
 * - `integration`: adapters and handlers against the local stand-ins (test/lambda/adapters,
 *   test/lambda/handlers, test/local) and the CLIs (the files directly in test/scripts);
 * - `e2e`: local mode end to end with WebSocket clients and browsers (test/e2e,
 *   test/security, test/browser).
 * `npm test` runs `unit` on its own first (a failure there stops the run in seconds), then
 * `cdk`, `integration` and `e2e` in one jest run (`npm run test:rest`), longest file first
 * across the lanes (test/support/sequencer.js): the long e2e files start at once and the short
 * files fill the end of the run.
 * Each lane also runs alone (`npm run test:<lane>`).
 *
 * aws-cdk-lib's built-in template validation is off in tests (test/support/env.ts); the
 * hygiene test (test/lib/hygiene.test.ts) runs it on the real stack.
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

/**
 * The folders of the lanes other than `unit`: `dir` under test/, `flat` when only the files
 * directly in it belong to the lane (its subfolders stay `unit`).
 */
const LANES = {
  cdk: [{ dir: 'lib' }],
  integration: [{ dir: 'lambda/adapters' }, { dir: 'lambda/handlers' }, { dir: 'local' }, { dir: 'scripts', flat: true }],
  e2e: [{ dir: 'e2e' }, { dir: 'security' }, { dir: 'browser' }],
};
const glob = ({ dir, flat }) => `<rootDir>/test/${dir}/${flat ? '' : '**/'}*.test.ts`;
const ignore = ({ dir, flat }) => `/test/${dir}/${flat ? '[^/]+\\.test\\.ts$' : ''}`;

/** Setup of every lane: environment (test/support/env.ts). */
const setupFiles = ['<rootDir>/test/support/env.ts'];
/**
 * Lanes that boot local mode read the full stack's template synthesized once per run
 * (test/support/global-setup.ts) instead of synthesizing it in every test file
 * (test/support/shared-template.ts), and upload the sample recordings converted once per run
 * instead of converting samples/ in every file (test/support/shared-samples.ts).
 */
const sharedTemplate = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: [...setupFiles, '<rootDir>/test/support/shared-template.ts', '<rootDir>/test/support/shared-samples.ts'],
};

function lane(displayName, extra = {}) {
  const folders = LANES[displayName];
  return {
    displayName,
    testEnvironment: 'node',
    roots: ['<rootDir>/test'],
    transform,
    setupFiles,
    ...(folders
      ? { testMatch: folders.map(glob) }
      : { testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...Object.values(LANES).flat().map(ignore)] }),
    ...extra,
  };
}

module.exports = {
  testTimeout: 60_000,
  // Longest files first, also on a fresh clone without jest's cache of durations.
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // Each worker boots its own local stand-ins on free ports; two cores, two workers. `npm run
  // test:rest` (cdk, integration, e2e) runs three: those files mostly wait on playback, sockets
  // and browsers (measured here: about 1.4 cores busy with three workers; four took 6 min 58 s
  // against 7 min 43 s for the whole suite on a quiet machine, but under stress-ng --cpu 4
  // timed handlers out).
  maxWorkers: 2,
  projects: [
    lane('unit'),
    lane('cdk'),
    lane('integration', sharedTemplate),
    // …and the web client built once before the browser tests (test/support/global-setup-e2e.ts).
    lane('e2e', { ...sharedTemplate, globalSetup: '<rootDir>/test/support/global-setup-e2e.ts' }),
  ],
};
