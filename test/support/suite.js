#!/usr/bin/env node
/**
 * `npm test`: the whole suite, fast lane first, the type check beside the slow lanes.
 *
 * 1. `npm run test:unit` — the pure tests, in seconds; a failure stops the run here.
 * 2. `npm run typecheck` (tsc on the project and on web/; one core) and `npm run test:rest`
 *    (the cdk, integration and e2e lanes: jest workers that mostly wait on sockets, playback
 *    and browsers, leaving a core's worth of CPU idle) at the same time. jest's output streams
 *    as it comes; tsc's is printed when tsc ends.
 *
 * Exits with the first non-zero exit code of the steps (1 when a step was killed by a signal),
 * 0 when every step passed.
 */
const { spawn } = require('node:child_process');

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run <script>`; resolves with its exit code. `quiet`: its output buffered, returned. */
function run(script, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(NPM, ['run', '--silent', script], { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('error', (e) => resolve({ code: 1, output: `${script}: ${e.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function main() {
  const unit = await run('test:unit');
  if (unit.code !== 0) return unit.code;
  const started = Date.now();
  const typecheck = run('typecheck', { quiet: true }).then((r) => {
    const s = Math.round((Date.now() - started) / 1000);
    process.stdout.write(r.code === 0 ? `typecheck: no type errors (${s} s)\n` : `typecheck FAILED (${s} s):\n${r.output}`);
    return r;
  });
  const rest = await run('test:rest');
  const typed = await typecheck;
  if (typed.code !== 0) process.stdout.write(`\ntypecheck FAILED:\n${typed.output}`); // again at the end, where it is seen
  return typed.code || rest.code;
}

main().then((code) => process.exit(code));
