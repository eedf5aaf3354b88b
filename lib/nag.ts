import { type CfnElement, Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions, type NagPackSuppression } from 'cdk-nag';
import { Construct, type IConstruct } from 'constructs';
import { MAX_TOKEN_TTL_SECONDS } from '../contract/token';

/**
 * cdk-nag (AwsSolutions pack) suppressions of matchcast, applied by the constructs themselves
 * so that a deployer who runs cdk-nag on the stack gets them too (test/lib/nag.test.ts runs
 * the pack on the whole stack: no unsuppressed error or warning).
 *
 * Every suppression names one rule and carries the reason it does not apply; IAM5
 * (wildcards) suppressions are always narrowed with `appliesTo` to the one wildcard they
 * excuse, so a new wildcard in the same policy still fails the check.
 */

/** One wildcard finding to excuse: the exact finding (`Resource::…`, `Action::…`) or a regex of it. */
export type WildcardFinding = string | { readonly regex: RegExp };

/** Suppress `rule` on `construct` (and its children) with `reason`. */
export function suppress(construct: IConstruct, rule: string, reason: string, appliesTo?: readonly WildcardFinding[]): void {
  const suppression: NagPackSuppression = {
    id: `AwsSolutions-${rule}`,
    reason,
    ...(appliesTo ? { appliesTo: appliesTo.map((a) => (typeof a === 'string' ? a : { regex: String(a.regex) })) } : {}),
  };
  NagSuppressions.addResourceSuppressions(construct, [suppression], true);
}

/**
 * Suppress IAM5 for `findings` on the policies of `grantee`'s principal (its role and the
 * role's default policy), with `reason`. A principal that is not a construct (an imported
 * role) is left alone: its policies are not in this stack.
 */
export function suppressWildcards(grantee: iam.IGrantable, reason: string, findings: readonly WildcardFinding[]): void {
  const principal = grantee.grantPrincipal;
  if (Construct.isConstruct(principal)) suppress(principal, 'IAM5', reason, findings);
}

/** The logical id of a construct's CloudFormation resource, as cdk-nag prints it in findings (`<Id.Arn>`). */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** Escape `s` for use inside a RegExp. */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The finding cdk-nag reports for a `Fn::GetAtt Arn` of `construct` followed by `suffix`
 * (`Resource::<TablesConnections….Arn>/index/*`).
 */
export function arnFinding(construct: IConstruct, suffix: string): string {
  return `Resource::<${logicalIdOf(construct)}.Arn>${suffix}`;
}

/**
 * Why the HS256 signing secret has no rotation Lambda (AwsSolutions-SMG4): every token it
 * signs expires within `MAX_TOKEN_TTL_SECONDS` (contract/token.ts: minting refuses longer,
 * verification refuses a token whose `exp` is further ahead), 1 h by default.
 */
export const JWT_SECRET_ROTATION_REASON =
  `The HS256 token-signing key has no rotation Lambda: rotating it would invalidate every token in circulation at once, and every token it signs expires within ${MAX_TOKEN_TTL_SECONDS / 86_400} days (MAX_TOKEN_TTL_SECONDS in contract/token.ts: minting refuses a longer lifetime and verification refuses a token whose exp lies further ahead; 1 h by default). Rotate deliberately by updating the secret value; production identity belongs to the OIDC mode (\`auth\`).`;
