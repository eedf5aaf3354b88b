import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionEnvironments, loadFunctions, localFunctionEnvironment } from '../../local/functions';
import type { FunctionDefinition, Resolver } from '../../local/template';

const def = (logicalId: string, entry: string, environment: Record<string, unknown>): FunctionDefinition => ({
  logicalId,
  name: entry.replace(/^.*\//, '').replace(/\.js$/, ''),
  entry,
  timeoutSeconds: 2,
  memoryMb: 256,
  environment,
});
const resolver: Resolver = (id) => (id === 'Table1' ? 'local-table' : id === 'AWS::Region' ? 'us-east-1' : undefined);

describe('local functions: handlers with their function environment', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'matchcast-functions-'));
    writeFileSync(join(root, 'echo.js'), 'exports.handler = async () => "a module entry only";\n');
    writeFileSync(join(root, 'none.js'), 'exports.other = 1;\n');
    writeFileSync(
      join(root, 'root.js'),
      [
        'exports.fromEnvironment = (env) => ({ own: env.MC_FN_TEST_OWN, other: env.MC_FN_TEST_OTHER, shared: env.MC_FN_TEST_SHARED });',
        'exports.createHandler = (deps) => async (event) => ({ ...deps, event });',
        'exports.handler = async () => "the module entry, not built from its own environment";',
      ].join('\n'),
    );
  });
  afterAll(() => {
    delete process.env.MC_FN_TEST_TABLE;
    delete process.env.MC_FN_TEST_SHARED;
    delete process.env.MC_FN_TEST_OWN;
    delete process.env.MC_FN_TEST_OTHER;
    rmSync(root, { recursive: true, force: true });
  });

  it("resolves each function's environment against the local resources", () => {
    const envs = functionEnvironments([def('A', 'a.js', { T: { Ref: 'Table1' }, R: { 'Fn::Sub': 'x-${AWS::Region}' }, N: 'plain' })], resolver);
    expect(envs.get('A')).toEqual({ T: 'local-table', R: 'x-us-east-1', N: 'plain' });
  });

  it('builds each function, and invokes it as Lambda would', async () => {
    const fns = loadFunctions({ functions: [def('RootFn', 'root.js', { MC_FN_TEST_OWN: { Ref: 'Table1' } })], resolver, shared: { MC_FN_TEST_SHARED: 'yes' }, root });
    const fn = fns.byName('root');
    expect(fn).toMatchObject({ logicalId: 'RootFn', functionName: 'root', timeoutMs: 2000, memoryMb: 256 });
    expect(fns.byLogicalId('RootFn')).toBe(fn);
    expect(await fns.invoke(fn, { a: 1 })).toEqual({ own: 'local-table', shared: 'yes', event: { a: 1 } });
    expect(() => fns.byLogicalId('Nope')).toThrow('template references unknown function Nope');
    expect(() => fns.byName('nope')).toThrow('no function named nope');
  });

  it("builds a composition root (createHandler, fromEnvironment) from its own function's environment and the shared settings only", async () => {
    const fns = loadFunctions({
      functions: [def('RootFn', 'root.js', { MC_FN_TEST_OWN: { Ref: 'Table1' } }), def('OtherFn', 'root.js', { MC_FN_TEST_OTHER: 'theirs' })],
      resolver,
      shared: { MC_FN_TEST_SHARED: 'yes' },
      root,
    });
    const out = (await fns.invoke(fns.byLogicalId('RootFn'), { b: 2 })) as Record<string, unknown>;
    expect(out).toEqual({ own: 'local-table', shared: 'yes', event: { b: 2 } });
    expect(out.other).toBeUndefined();
    expect(await fns.invoke(fns.byLogicalId('OtherFn'), {})).toMatchObject({ other: 'theirs', shared: 'yes' });
    // Only the shared settings are in the process environment; each function's own stay its own.
    expect(process.env.MC_FN_TEST_SHARED).toBe('yes');
    expect(process.env.MC_FN_TEST_OWN).toBeUndefined();
    expect(process.env.MC_FN_TEST_OTHER).toBeUndefined();
    expect(localFunctionEnvironment('root')).toMatchObject({ MC_FN_TEST_OTHER: 'theirs', MC_FN_TEST_SHARED: 'yes' });
    expect(() => localFunctionEnvironment('nope')).toThrow('no local function named nope has been loaded');
  });

  it('throws for a module that is not a composition root', () => {
    expect(() => loadFunctions({ functions: [def('N', 'none.js', {})], resolver, shared: {}, root })).toThrow('none.js exports no composition root (createHandler and fromEnvironment)');
    expect(() => loadFunctions({ functions: [def('E', 'echo.js', {})], resolver, shared: {}, root })).toThrow('echo.js exports no composition root');
  });
});
