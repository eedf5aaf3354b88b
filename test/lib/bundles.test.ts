/**
 * Local mode's stand-ins never ship to AWS: each matchcast function asset of a real synth
 * (bundled by NodejsFunction with lib/function.ts BUNDLING, written to the cloud assembly)
 * holds no code of s3rver, dynalite, dicer, fast-xml-parser or aws-local-stepfunctions, which
 * are dev dependencies of local mode (docs/SECURITY.md "Dependencies"). A marker is a string
 * literal of that package's own source, which minification keeps.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MatchcastStack } from '../../lib/matchcast-stack';
import { PROJECT_ROOT } from '../../lib/function';

/** package → string literals found in its own code (and nowhere in ours). */
const MARKERS: Record<string, readonly string[]> = {
  s3rver: ['_S3rver_', 'S3rver'],
  dynalite: ['DynamoDB_20111205'],
  dicer: ['Boundary required'],
  'fast-xml-parser': ["Invalid space after '<'."],
  'aws-local-stepfunctions': ['ExecutionAbortedError'],
};

/** The cloud assembly folder of a function's code: `asset.<hash>` for S3Key `<hash>.zip`. */
const assetDir = (s3Key: unknown): string => `asset.${String(s3Key).replace(/\.zip$/, '')}`;

const outdir = mkdtempSync(join(tmpdir(), 'matchcast-assets-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('Lambda bundles (synthesized assets)', () => {
  // Bundling on: this is the test that reads what `cdk deploy` would upload.
  const stack = new MatchcastStack(new App({ outdir }), 'Matchcast', { webClient: false });
  const json = Template.fromStack(stack).toJSON();
  const assembly = stack.node.root as App;
  const assets = assembly.synth().directory;
  const functions = Object.entries<any>(json.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['matchcast:entry'])
    .map(([id, r]) => [r.Metadata['matchcast:entry'] as string, id, assetDir(r.Properties.Code.S3Key)] as const);

  it('every matchcast function has a bundled asset', () => {
    expect(functions).toHaveLength(10);
    for (const [entry, , path] of functions) expect([entry, existsSync(join(assets, path, 'index.js'))]).toEqual([entry, true]);
  });

  it('the markers are real: each is in its package', () => {
    for (const [pkg, markers] of Object.entries(MARKERS)) {
      const main = require.resolve(pkg, { paths: [PROJECT_ROOT] });
      const dir = main.slice(0, main.lastIndexOf(`node_modules/${pkg}/`) + `node_modules/${pkg}/`.length);
      const src = require('node:child_process').execFileSync('grep', ['-rlF', markers[0], dir], { encoding: 'utf8' }) as string;
      expect([pkg, src.length > 0]).toEqual([pkg, true]);
    }
  });

  it.each(functions.map(([entry, id, path]) => [entry, id, path]))('%s holds no local-mode stand-in', (_entry, _id, path) => {
    const code = readFileSync(join(assets, path, 'index.js'), 'utf8');
    const found = Object.entries(MARKERS).filter(([, markers]) => markers.some((m) => code.includes(m))).map(([pkg]) => pkg);
    expect(found).toEqual([]);
  });
});
