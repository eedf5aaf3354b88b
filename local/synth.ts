/**
 * The synthesized CloudFormation template of the matchcast stack, built in-process with
 * asset bundling skipped (no esbuild run, no cdk.out kept): what local mode derives its
 * tables, routes, state machine, notifications, schedules and environment from (see
 * local/template.ts), so local and deployed resources cannot drift.
 *
 * The browser client's S3 bucket + CloudFront distribution (lib/web-client.ts) are left out
 * (`webClient: false`) unless `props.webClient` says otherwise: local mode serves web/dist
 * from its own gateway, and this synth must neither need web/dist nor model a second bucket.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { MatchcastStack, type MatchcastStackProps } from '../lib/matchcast-stack';

/** The project's cdk.json: its `context` (feature flags) applies here as it does to `cdk synth`. */
const CDK_JSON = resolve(__dirname, '..', 'cdk.json');

function cdkJsonContext(): Record<string, unknown> {
  const json = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context?: Record<string, unknown> };
  return json.context ?? {};
}

/** Options of {@link synthTemplate}. */
export interface SynthOptions {
  /** Stack props (stage name, idle TTL, …). @default { webClient: false } — the deployed defaults without the browser client */
  readonly props?: MatchcastStackProps;
  /** Extra CDK context. @default {} */
  readonly context?: Record<string, unknown>;
}

/**
 * Build `MatchcastStack` (id `Matchcast`) in a fresh App with cdk.json's context and bundling skipped (context
 * `aws:cdk:bundling-stacks: []`; `aws:cdk:path` metadata on, as the CLI does) and return its CloudFormation template as JSON.
 * Throws what the constructs throw for invalid props. Takes a few hundred ms.
 */
export function synthTemplate(opts: SynthOptions = {}): Record<string, any> {
  const outdir = mkdtempSync(join(tmpdir(), 'matchcast-synth-'));
  try {
    const app = new App({
      outdir,
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        'aws:cdk:enable-path-metadata': true,
        ...opts.context,
      },
    });
    const stack = new MatchcastStack(app, 'Matchcast', { webClient: false, ...opts.props });
    const assembly = app.synth();
    return assembly.getStackArtifact(stack.artifactId).template as Record<string, any>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
