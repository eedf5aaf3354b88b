/**
 * Shared helpers of the CDK construct tests: build the stack in-process with bundling
 * skipped (context `aws:cdk:bundling-stacks: []`, so esbuild never runs) and read the
 * synthesized template.
 */
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { MatchcastStack, type MatchcastStackProps } from '../../lib/matchcast-stack';
import { resolve } from '../../local/template';

/** A fresh App that skips asset bundling. */
export function testApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] } });
}

/** The stack (id `Matchcast`) and its template. */
export function buildStack(props: MatchcastStackProps = {}): { stack: MatchcastStack; template: Template; json: Record<string, any> } {
  const stack = new MatchcastStack(testApp(), 'Matchcast', props);
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON() };
}

/** The logical id of a construct's CloudFormation resource (its default child for L2s). */
export function logicalId(construct: IConstruct): string {
  const res = (construct.node.defaultChild ?? construct) as CfnResource;
  return Stack.of(construct).getLogicalId(res);
}

/** Resolve intrinsics to readable placeholders: `<Id>` for Ref, `<Id.Attr>` for GetAtt. */
export function placeholders(value: unknown): unknown {
  return resolve(value, (id, attr) => `<${id}${attr ? `.${attr}` : ''}>`);
}

/** Every IAM policy statement of the template, with the resource that holds it. */
export function policyStatements(json: Record<string, any>): Array<{ policyId: string; roles: unknown; statement: Record<string, any> }> {
  const out: Array<{ policyId: string; roles: unknown; statement: Record<string, any> }> = [];
  for (const [id, r] of Object.entries<any>(json.Resources)) {
    if (r.Type === 'AWS::IAM::Policy') {
      for (const s of r.Properties.PolicyDocument.Statement) out.push({ policyId: id, roles: r.Properties.Roles, statement: s });
    }
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties.Policies ?? []) for (const s of p.PolicyDocument.Statement) out.push({ policyId: id, roles: [{ Ref: id }], statement: s });
    }
  }
  return out;
}

/** The actions of a statement as an array. */
export function actionsOf(statement: Record<string, any>): string[] {
  return ([] as string[]).concat(statement.Action ?? []);
}

/** All actions granted to a role (by its logical id), across its policies. */
export function actionsOfRole(json: Record<string, any>, roleLogicalId: string): Array<{ action: string; resource: unknown }> {
  return policyStatements(json)
    .filter((p) => JSON.stringify(p.roles).includes(`"${roleLogicalId}"`) && p.statement.Effect === 'Allow')
    .flatMap((p) => actionsOf(p.statement).flatMap((action) => ([] as unknown[]).concat(p.statement.Resource).map((resource) => ({ action, resource }))));
}

/** The role logical id of a Lambda function resource. */
export function roleOfFunction(json: Record<string, any>, functionLogicalId: string): string {
  return json.Resources[functionLogicalId].Properties.Role['Fn::GetAtt'][0];
}
