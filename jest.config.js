/** jest: TypeScript through swc (fast, no type-check — `tsc --noEmit` runs first in `npm test`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testTimeout: 60_000,
  // Each worker boots its own local stand-ins on free ports; two cores, two workers.
  maxWorkers: 2,
};
