import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { BUNDLING, MatchcastFunction, PROJECT_ROOT, type MatchcastFunctionProps } from '../../lib/function';
import { buildStack, testApp } from './support';

const { json } = buildStack();
const matchcastFunctions = Object.entries<any>(json.Resources).filter(
  ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['matchcast:entry'] !== undefined,
);

describe('MatchcastFunction', () => {
  it('every handler module of lambda/handlers is deployed exactly once', () => {
    const entries = matchcastFunctions.map(([, r]) => r.Metadata['matchcast:entry']).sort();
    expect(entries).toEqual(
      ['authorize', 'connect', 'control', 'disconnect', 'http-api', 'http-authorize', 'index-recording', 'social', 'sweeper', 'tick'].map((n) => `lambda/handlers/${n}.ts`),
    );
  });

  it.each(matchcastFunctions.map(([id, r]) => [r.Metadata['matchcast:entry'] as string, id, r]))(
    '%s: metadata points at an existing file; Node.js 22 on arm64; service env; own log group',
    (entry, _id, r: any) => {
      expect(existsSync(join(PROJECT_ROOT, entry))).toBe(true);
      expect(r.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: expect.objectContaining({ POWERTOOLS_SERVICE_NAME: 'matchcast' }) },
      });
      // No source maps to enable (lib/function.ts BUNDLING).
      expect(r.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
      expect(r.Properties.FunctionName).toBeUndefined();
      const lg = r.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(json.Resources[lg]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    },
  );

  it('bundles locally with esbuild: minified, no source map, AWS SDK v3 inside, CommonJS for Node 22', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'matchcast-bundle-'));
    try {
      const stack = new Stack(new App({ outdir }), 'S');
      new MatchcastFunction(stack, 'F', { handlerName: 'connect', functionProps: { description: 'bundling test' } });
      const asset = readdirSync(outdir).find((d) => d.startsWith('asset.'));
      expect(asset).toBeDefined();
      const files = readdirSync(join(outdir, asset!)).sort();
      expect(files).toEqual(['index.js']);
      const code = readFileSync(join(outdir, asset!, 'index.js'), 'utf8');
      // Bundled, not taken from the runtime (only the optional CRT signer stays a guarded require).
      expect(code).not.toMatch(/require\(["']@aws-sdk\/(client-|lib-)/);
      expect(code).toContain('dynamodb'); // the DynamoDB client is in the bundle
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000); // minified: very long lines
      expect(code).not.toContain('sourceMappingURL');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  describe('bundle sizes (each handler bundled as lib/function.ts BUNDLING bundles it)', () => {
    const KiB = 1024;
    const handlers = ['authorize', 'connect', 'control', 'disconnect', 'http-api', 'http-authorize', 'index-recording', 'social', 'sweeper', 'tick'];
    /** Bytes of the minified bundle of `lambda/handlers/<name>.ts`, optionally with the AWS SDK left out. */
    const bundleBytes = async (name: string, withoutSdk: boolean): Promise<number> => {
      const out = await build({
        entryPoints: [join(PROJECT_ROOT, 'lambda/handlers', `${name}.ts`)],
        bundle: true,
        write: false,
        platform: 'node',
        format: 'cjs',
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourcemap: BUNDLING.sourceMap,
        external: withoutSdk ? ['@aws-sdk/*', '@smithy/*'] : [],
        logLevel: 'silent',
      });
      return out.outputFiles.reduce((n, f) => n + f.contents.byteLength, 0);
    };
    // Our code and every library but the AWS SDK: ≤ 250 KiB per function, ≤ 150 KiB for the
    // tick (the hot path). With the SDK v3 clients inside (~450–800 KiB of @smithy/@aws-sdk per
    // function) each bundle stays under 1 MiB; the SDK is what is left to shrink.
    it.each(handlers)('%s', async (name) => {
      const own = await bundleBytes(name, true);
      const total = await bundleBytes(name, false);
      expect(own).toBeLessThanOrEqual((name === 'tick' ? 150 : 250) * KiB);
      expect(total).toBeLessThanOrEqual(1024 * KiB);
    });
  });

  describe('validates its props, naming the prop', () => {
    const make = (props: Partial<MatchcastFunctionProps>) => () =>
      new MatchcastFunction(new Stack(testApp(), 'S'), 'F', { handlerName: 'connect', ...props });
    it.each([
      ['handlerName', { handlerName: '../etc/passwd' }],
      ['handlerName', { handlerName: 'no-such-handler' }],
      ['memorySize', { memorySize: 64 }],
      ['memorySize', { memorySize: 20_000 }],
      ['timeout', { timeout: Duration.minutes(16) }],
    ])('%s', (prop, props) => expect(make(props)).toThrow(prop));
    it('accepts a valid function', () => expect(make({ memorySize: 1024, timeout: Duration.minutes(1) })).not.toThrow());
  });
});
