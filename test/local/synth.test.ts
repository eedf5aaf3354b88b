import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/function';
import { synthTemplate } from '../../local/synth';

describe('synthTemplate', () => {
  const template = synthTemplate();

  it('returns the CloudFormation template of the Matchcast stack with path metadata', () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(50);
    const paths = Object.values<any>(template.Resources).map((r) => r.Metadata?.['aws:cdk:path']).filter(Boolean);
    expect(paths).toEqual(expect.arrayContaining(['Matchcast/Tables/Connections/Resource', 'Matchcast/PlayerWorkflow/StateMachine/Resource']));
  });

  it("applies cdk.json's feature flags as `cdk synth` does", () => {
    const flags = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context;
    expect(flags['@aws-cdk/aws-iam:minimizePolicies']).toBe(true);
    // With minimizePolicies, each role's grants merge into few statements: no statement repeats an action list.
    const without = synthTemplate({ context: { '@aws-cdk/aws-iam:minimizePolicies': false } });
    const count = (t: Record<string, any>) =>
      Object.values<any>(t.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy')
        .reduce((n, r) => n + r.Properties.PolicyDocument.Statement.length, 0);
    expect(count(template)).toBeLessThan(count(without));
  });

  it('throws what the constructs throw for invalid props', () => {
    expect(() => synthTemplate({ props: { maxClientsPerStream: 0 } })).toThrow('maxClientsPerStream');
  });
});
