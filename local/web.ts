/**
 * Build the browser client (web/ → web/dist) with Vite when the build is missing or older
 * than its sources (web/ and the modules it imports from protocol/ and client/), so
 * `npm start` and the browser tests always serve the current client.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const WEB = join(ROOT, 'web');
const DIST_INDEX = join(WEB, 'dist', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The folders the browser bundle is built from: web/ and the shared protocol/ and client/. */
const SOURCES = [WEB, join(ROOT, 'protocol'), join(ROOT, 'client')];

/** True when web/dist is missing or older than any file in web/, protocol/ or client/. */
export function webBuildIsStale(): boolean {
  if (!existsSync(DIST_INDEX)) return true;
  const sources = Math.max(...SOURCES.map((dir) => (existsSync(dir) ? newestMtime(dir) : 0)));
  return statSync(DIST_INDEX).mtimeMs < sources;
}

/** `node node_modules/vite/bin/vite.js build --config web/vite.config.ts --logLevel warn`, from the project root. */
function viteBuildArgs(): string[] {
  return [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(WEB, 'vite.config.ts'), '--logLevel', 'warn'];
}

/** Run `vite build` for web/ when stale. Rejects with Vite's output when the build fails. */
export async function buildWeb(opts: { force?: boolean } = {}): Promise<void> {
  if (!opts.force && !webBuildIsStale()) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, viteBuildArgs(), {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${out.slice(-4000)}`))));
  });
}

/**
 * {@link buildWeb}, blocking: for bin/matchcast.ts, which must have web/dist before the CDK app
 * synthesizes (the web client uploads it). Returns true when it built, false when web/dist was
 * current. Throws with the tail of Vite's output when the build fails; gives up after 5 min.
 */
export function buildWebSync(opts: { force?: boolean } = {}): boolean {
  if (!opts.force && !webBuildIsStale()) return false;
  const r = spawnSync(process.execPath, viteBuildArgs(), { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw new Error(`vite build could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal}):\n${`${r.stdout}${r.stderr}`.slice(-4000)}`);
  return true;
}
