/**
 * The synthesized CloudFormation template of the matchcast stack, built in-process with
 * asset bundling skipped (no esbuild run, no cdk.out kept): what local mode derives its
 * tables, routes, state machine, notifications, schedules and environment from (see
 * local/template.ts), so local and deployed resources cannot drift.
 *
 * The browser client's S3 bucket + CloudFront distribution (lib/web-client.ts) are left out
 * (`webClient: false`) unless `props.webClient` says otherwise: local mode serves web/dist
 * from its own gateway, and this synth must neither need web/dist nor model a second bucket.
 *
 * aws-cdk-lib's built-in CloudFormation template validation is off here by default (the App's
 * `builtinCloudFormationValidation: false`, the construct-level form of `CDK_VALIDATION=false`):
 * local mode only reads the template, and validation is most of a synth's time. `npx cdk synth`
 * (bin/matchcast.ts) keeps it on. Measured on a shared, busy 2-core machine:
 * without validation a synth takes 0.35–1 s once aws-cdk-lib is loaded (1.5–2 s for a
 * process's first synth, which loads it); with it, 2.9–3.4 s, and 19 s for a process's first
 * validated synth (it loads the validator).
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
  /**
   * Run aws-cdk-lib's built-in CloudFormation template validation (what `cdk synth` does).
   * @default false — local mode only reads the template; validation is what makes a synth slow
   */
  readonly validate?: boolean;
}

/**
 * Build `MatchcastStack` (id `Matchcast`) in a fresh App with cdk.json's context and bundling skipped (context
 * `aws:cdk:bundling-stacks: []`; `aws:cdk:path` metadata on, as the CLI does) and return its CloudFormation template as JSON.
 * Throws what the constructs throw for invalid props (and, with `validate`, what validation reports as an error).
 * Without validation: 0.35–1 s, plus 1.5–2 s for loading aws-cdk-lib on a process's first call (see the module note).
 */
export function synthTemplate(opts: SynthOptions = {}): Record<string, any> {
  const outdir = mkdtempSync(join(tmpdir(), 'matchcast-synth-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: opts.validate ?? false,
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
