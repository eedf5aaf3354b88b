import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
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
      ['authorize', 'connect', 'control', 'disconnect', 'fanout', 'http-api', 'http-authorize', 'index-recording', 'social', 'sweeper', 'tick'].map((n) => `lambda/handlers/${n}.ts`),
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

  it("bundles locally with esbuild: minified, no source map, the runtime's AWS SDK v3, CommonJS for Node 22", () => {
    const outdir = mkdtempSync(join(tmpdir(), 'matchcast-bundle-'));
    try {
      const stack = new Stack(new App({ outdir }), 'S');
      new MatchcastFunction(stack, 'F', { handlerName: 'connect', functionProps: { description: 'bundling test' } });
      const asset = readdirSync(outdir).find((d) => d.startsWith('asset.'));
      expect(asset).toBeDefined();
      const files = readdirSync(join(outdir, asset!)).sort();
      expect(files).toEqual(['index.js']);
      const code = readFileSync(join(outdir, asset!, 'index.js'), 'utf8');
      // The AWS SDK v3 is the runtime's (nodejs22.x provides it): required, not bundled.
      expect(code).toMatch(/require\(["']@aws-sdk\/client-dynamodb["']\)/);
      expect(code).toMatch(/require\(["']@aws-sdk\/lib-dynamodb["']\)/);
      expect(code).not.toContain('DynamoDBServiceException'); // the client's own code is not inside
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000); // minified: very long lines
      expect(code).not.toContain('sourceMappingURL');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('bundles the tick through CDK itself within its 150 KiB, the request signer from its ES module build', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'matchcast-bundle-'));
    try {
      const stack = new Stack(new App({ outdir }), 'S');
      new MatchcastFunction(stack, 'T', { handlerName: 'tick' });
      const asset = readdirSync(outdir).find((d) => d.startsWith('asset.'));
      const code = readFileSync(join(outdir, asset!, 'index.js'), 'utf8');
      expect(Buffer.byteLength(code)).toBeLessThanOrEqual(150 * 1024);
      expect(code).toContain('AWS4-HMAC-SHA256'); // the signer is inside (fan-out signs its own posts)
      expect(code).toMatch(/require\(["']@aws-sdk\/credential-provider-node["']\)/); // its credentials: the runtime's SDK
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  describe('bundles (each handler bundled whole, as lib/function.ts BUNDLING bundles it): sizes, and no local-mode stand-in', () => {
    const KiB = 1024;
    /**
     * Local mode's stand-ins and what they pull in — dev dependencies that must never ship to AWS
     * (docs/SECURITY.md "Dependencies"): package → string literals of its own source, which
     * minification keeps.
     */
    const MARKERS: Record<string, readonly string[]> = {
      s3rver: ['_S3rver_', 'S3rver'],
      dynalite: ['DynamoDB_20111205'],
      dicer: ['Boundary required'],
      'fast-xml-parser': ["Invalid space after '<'."],
      'aws-local-stepfunctions': ['ExecutionAbortedError'],
    };
    it('the markers are real: each is in its package', () => {
      for (const [pkg, markers] of Object.entries(MARKERS)) {
        const main = require.resolve(pkg, { paths: [PROJECT_ROOT] });
        const dir = main.slice(0, main.lastIndexOf(`node_modules/${pkg}/`) + `node_modules/${pkg}/`.length);
        const src = execFileSync('grep', ['-rlF', markers[0]!, dir], { encoding: 'utf8' });
        expect([pkg, src.length > 0]).toEqual([pkg, true]);
      }
    });
    const handlers = ['authorize', 'connect', 'control', 'disconnect', 'fanout', 'http-api', 'http-authorize', 'index-recording', 'social', 'sweeper', 'tick'];
    /** The minified bundle of `lambda/handlers/<name>.ts`: its bytes, the bytes zod and the terminal emulator (@xterm/*) contribute, its code. */
    const bundle = async (name: string): Promise<{ bytes: number; zodBytes: number; xtermBytes: number; code: string }> => {
      const out = await build({
        entryPoints: [join(PROJECT_ROOT, 'lambda/handlers', `${name}.ts`)],
        bundle: true,
        write: false,
        platform: 'node',
        format: 'cjs',
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourcemap: BUNDLING.sourceMap,
        mainFields: [...BUNDLING.mainFields],
        // bundleAwsSDK: false — what NodejsFunction then leaves external.
        external: BUNDLING.bundleAwsSDK ? [] : ['@aws-sdk/*'],
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.values(out.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
      return {
        bytes: out.outputFiles.reduce((n, f) => n + f.contents.byteLength, 0),
        zodBytes: inputs.filter(([path]) => path.includes('node_modules/zod/')).reduce((n, [, i]) => n + i.bytesInOutput, 0),
        xtermBytes: inputs.filter(([path]) => path.includes('node_modules/@xterm/')).reduce((n, [, i]) => n + i.bytesInOutput, 0),
        code: out.outputFiles.map((f) => f.text).join('\n'),
      };
    };
    // The whole bundle — our code and every library the runtime does not provide: ≤ 250 KiB per
    // function, ≤ 150 KiB for the tick and the fan-out worker (the hot path). The tick, the fan-out
    // worker and the sweeper parse no client input, so none bundles zod. The terminal emulator
    // (@xterm/headless and its serialize addon, ~170 KB) runs only where keyframes are built (index-
    // recording): joins and seeks make terminal snapshots without it (kinds/terminal/lean.ts).
    it.each(handlers)('%s', async (name) => {
      const { bytes, zodBytes, xtermBytes, code } = await bundle(name);
      expect(bytes).toBeLessThanOrEqual((name === 'tick' || name === 'fanout' ? 150 : 250) * KiB);
      if (name === 'tick' || name === 'fanout' || name === 'sweeper') expect(zodBytes).toBe(0);
      if (name === 'index-recording') expect(zodBytes).toBe(0);
      if (name !== 'index-recording') expect(xtermBytes).toBe(0);
      expect(Object.entries(MARKERS).filter(([, markers]) => markers.some((m) => code.includes(m))).map(([pkg]) => pkg)).toEqual([]);
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
