/**
 * The code layout's boundaries, read from the sources (README "Layout"):
 * - lambda/ is the functions' code. What the other parts share with it lives in protocol/ (the
 *   wire contract, the recording format, the HTTP API's bodies), contract/ (env names, tables,
 *   keys, defaults, row shapes, tokens) and client/ (the client core): no file under web/,
 *   client/, protocol/, contract/, convert/, kinds/ or scripts/ imports lambda/ — except that
 *   scripts/ (the bench) may import lambda/engine.ts, the engine's public surface.
 * - client/ runs in the browser bundle and in Node, so it imports only client/ and protocol/
 *   and uses neither the DOM nor a Node API.
 * - web/ imports nothing of the server side but protocol/, client/ and the game kinds that run
 *   in a browser (kinds/kind and kinds/{tennis,cricket,chess,generic}: pure, zod and chess.js);
 *   never kinds/index or kinds/terminal, which bring the server-side terminal emulator.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sources(p);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(name) && !/\.d\.ts$/.test(name) ? [p] : [];
  });
}

/** Every module specifier a file imports (static imports, re-exports, dynamic imports). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s+['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

/** The repository path (without extension, `/` separated) a relative specifier of `file` resolves to. */
function resolved(file: string, spec: string): string {
  return relative(ROOT, resolve(dirname(file), spec)).split(/[\\/]/).join('/').replace(/\.(ts|js)$/, '');
}

/** The top-level folder a relative specifier of `file` lands in, or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return `package:${spec}`;
  return relative(ROOT, resolve(dirname(file), spec)).split(/[\\/]/)[0]!;
}

describe('client/ (the client core)', () => {
  const files = sources(join(ROOT, 'client'));
  it('exists', () => expect(files.length).toBeGreaterThan(0));
  it.each(files.map((f) => [relative(ROOT, f), f]))('%s imports only client/ and protocol/', (_name, file) => {
    const outside = specifiers(file).filter((s) => !['client', 'protocol'].includes(target(file, s)));
    expect(outside).toEqual([]);
  });
  it.each(files.map((f) => [relative(ROOT, f), f]))('%s uses no DOM and no Node-only global', (_name, file) => {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code.match(/\b(window|document|localStorage|navigator|process|Buffer|require|__dirname|setTimeout|setInterval)\b/g) ?? []).toEqual([]);
  });
});

describe('web/ (the browser client)', () => {
  const files = sources(join(ROOT, 'web', 'src'));
  it.each(files.map((f) => [relative(ROOT, f), f]))('%s imports nothing of the server side', (_name, file) => {
    const BROWSER_KINDS = /^kinds\/(kind|(tennis|cricket|chess|generic)(\/.*)?)$/;
    const allowed = (s: string) => {
      const t = target(file, s);
      if (t === 'kinds') return BROWSER_KINDS.test(resolved(file, s));
      return t === 'web' || t === 'protocol' || t === 'client' || t === 'package:zod' || t === 'package:chess.js' || (t.startsWith('package:@xterm/') && t !== 'package:@xterm/headless');
    };
    expect(specifiers(file).filter((s) => !allowed(s))).toEqual([]);
  });
});

describe('lambda/ stays the functions\' own code', () => {
  const SHARED = ['web', 'client', 'protocol', 'contract', 'convert', 'kinds', 'scripts'];
  /** The one module of lambda/ that scripts/ may import: the engine's public surface. */
  const ENGINE = 'lambda/engine';
  for (const dir of SHARED) {
    const files = sources(join(ROOT, dir));
    it(`${dir}/ has sources`, () => expect(files.length).toBeGreaterThan(0));
    it.each(files.map((f) => [relative(ROOT, f), f]))(`%s imports lambda/ ${dir === 'scripts' ? 'only through lambda/engine' : 'not at all'}`, (_name, file) => {
      const intoLambda = specifiers(file).filter((s) => target(file, s) === 'lambda');
      const allowed = (s: string) => dir === 'scripts' && resolved(file, s) === ENGINE;
      expect(intoLambda.filter((s) => !allowed(s))).toEqual([]);
    });
  }
  it('the scan sees imports of lambda/ (the bench uses the engine surface)', () => {
    const bench = sources(join(ROOT, 'scripts')).flatMap((f) => specifiers(f).filter((s) => target(f, s) === 'lambda').map((s) => resolved(f, s)));
    expect(new Set(bench)).toEqual(new Set([ENGINE]));
  });
});
