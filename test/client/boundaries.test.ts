/**
 * The client core's boundaries, read from the sources: client/ runs in the browser bundle and
 * in Node, so it uses neither the DOM nor a Node API; web/ imports nothing of the server side
 * but the wire contract (protocol/) and the client core (client/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sources(p);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [p] : [];
  });
}

/** Every module specifier a file imports (static imports, re-exports, dynamic imports). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s+['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
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
    const allowed = (t: string) => t === 'web' || t === 'protocol' || t === 'client' || t === 'package:@xterm/xterm' || t.startsWith('package:@xterm/');
    expect(specifiers(file).map((s) => target(file, s)).filter((t) => !allowed(t))).toEqual([]);
  });
});
