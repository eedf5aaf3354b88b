import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PROJECT_ROOT } from '../../lib/function';
import { MatchcastStack } from '../../lib/matchcast-stack';

/**
 * cdk-nag's AwsSolutions pack over the whole MatchcastStack, with the suppressions the
 * constructs in lib/ apply themselves (so a deployer running cdk-nag gets the same result).
 */
function nag(context: Record<string, unknown>): { errors: string[]; warnings: string[]; stack: Stack } {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new MatchcastStack(app, 'Matchcast');
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(stack);
  const fmt = (m: { id: string; entry: { data?: unknown } }) => `${m.id}: ${String(m.entry.data).split('\n')[0].slice(0, 160)}`;
  return {
    errors: annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')).map(fmt),
    warnings: annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')).map(fmt),
    stack,
  };
}

/** The feature flags of cdk.json: what `cdk synth` / `cdk deploy` build with. */
const cdkJsonContext = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

describe('cdk-nag AwsSolutions on MatchcastStack', () => {
  it.each<[string, Record<string, unknown>]>([
    ['as the tests and local mode build it (no feature flags)', {}],
    ['as `cdk synth` builds it (cdk.json feature flags)', cdkJsonContext],
  ])('has no unsuppressed error or warning, %s', (_name, context) => {
    const { errors, warnings } = nag(context);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('every suppression names one AwsSolutions rule and gives a specific reason; IAM5 ones are narrowed with appliesTo', () => {
    const { stack } = nag({});
    const suppressions = stack.node
      .findAll()
      .flatMap((c) => ((c.node.defaultChild ?? c) as { getMetadata?: (k: string) => unknown }).getMetadata?.('cdk_nag') ?? [])
      .flatMap((m) => (m as { rules_to_suppress: Array<{ id: string; reason: string; applies_to?: unknown[] }> }).rules_to_suppress);
    expect(suppressions.length).toBeGreaterThan(10);
    for (const s of suppressions) {
      expect(s.id).toMatch(/^AwsSolutions-[A-Z]+\d+$/);
      expect(s.reason.length).toBeGreaterThan(60);
      if (s.id === 'AwsSolutions-IAM5' || s.id === 'AwsSolutions-IAM4') expect([s.id, (s.applies_to ?? []).length > 0]).toEqual([s.id, true]);
    }
    // No blanket suppression of the whole stack.
    expect(stack.templateOptions.metadata?.cdk_nag).toBeUndefined();
  });

  it('a new wildcard in a suppressed policy still fails (suppressions are narrowed, not blanket)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MatchcastStack(app, 'Matchcast');
    stack.webSocket.controlFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [stack.recordings.bucket.arnForObjects('*')] }),
    );
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-IAM5'));
    expect(errors.map((e) => String(e.entry.data))).toEqual([expect.stringContaining('/*')]);
  });
});
