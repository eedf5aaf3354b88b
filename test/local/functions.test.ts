import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionEnvironments, loadFunctions } from '../../local/functions';
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
    writeFileSync(join(root, 'echo.js'), 'exports.handler = async (event, ctx) => ({ table: process.env.MC_FN_TEST_TABLE, shared: process.env.MC_FN_TEST_SHARED, event, name: ctx.functionName });\n');
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

  it('throws when two functions set one name to different values (one process environment)', () => {
    expect(() =>
      loadFunctions({ functions: [def('A', 'echo.js', { MC_FN_TEST_TABLE: 'a' }), def('B', 'echo.js', { MC_FN_TEST_TABLE: 'b' })], resolver, shared: {}, root }),
    ).toThrow('functions disagree on MC_FN_TEST_TABLE: a vs b');
  });

  it('loads each handler after setting the environment, and invokes it as Lambda would', async () => {
    const fns = loadFunctions({ functions: [def('EchoFn', 'echo.js', { MC_FN_TEST_TABLE: { Ref: 'Table1' } })], resolver, shared: { MC_FN_TEST_SHARED: 'yes' }, root });
    const fn = fns.byName('echo');
    expect(fn).toMatchObject({ logicalId: 'EchoFn', functionName: 'echo', timeoutMs: 2000, memoryMb: 256 });
    expect(fns.byLogicalId('EchoFn')).toBe(fn);
    expect(await fns.invoke(fn, { a: 1 })).toEqual({ table: 'local-table', shared: 'yes', event: { a: 1 }, name: 'echo' });
    expect(() => fns.byLogicalId('Nope')).toThrow('template references unknown function Nope');
    expect(() => fns.byName('nope')).toThrow('no function named nope');
  });

  it("builds a composition root (createHandler, fromEnvironment) from its own function's environment and the shared settings only", async () => {
    const fns = loadFunctions({
      functions: [def('RootFn', 'root.js', { MC_FN_TEST_OWN: { Ref: 'Table1' } }), def('OtherFn', 'echo.js', { MC_FN_TEST_OTHER: 'theirs' })],
      resolver,
      shared: { MC_FN_TEST_SHARED: 'yes' },
      root,
    });
    const out = (await fns.invoke(fns.byName('root'), { b: 2 })) as Record<string, unknown>;
    expect(out).toEqual({ own: 'local-table', shared: 'yes', event: { b: 2 } });
    expect(out.other).toBeUndefined();
    // The module without a composition root still reads the one process environment.
    expect(process.env.MC_FN_TEST_OTHER).toBe('theirs');
  });

  it('throws for a module without a handler', () => {
    expect(() => loadFunctions({ functions: [def('N', 'none.js', {})], resolver, shared: {}, root })).toThrow('none.js exports no handler');
  });
});
