import { resolve } from '../../local/template';
import { buildStack } from './support';

/**
 * Least privilege, over every IAM policy of the synthesized MatchcastStack: AWS::IAM::Policy
 * resources, inline policies of AWS::IAM::Role, and managed policy attachments.
 */
const { json } = buildStack();
const resources = json.Resources as Record<string, { Type: string; Properties?: Record<string, any> }>;

/**
 * Intrinsics as readable text: `<Id>` for a Ref, `<Id.Attr>` for a GetAtt; a state machine's
 * Ref is its ARN (`…:stateMachine:<Id>`), so `Fn::Select(6, Fn::Split(':', Ref))` is `<Id>`.
 */
function placeholders(value: unknown): unknown {
  return resolve(value, (id, attr) => {
    if (!attr && resources[id]?.Type === 'AWS::StepFunctions::StateMachine') return `arn:partition:states:region:account:stateMachine:<${id}>`;
    return `<${id}${attr ? `.${attr}` : ''}>`;
  });
}

interface Statement {
  readonly holder: string;
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
}

function statements(): Statement[] {
  const out: Statement[] = [];
  const add = (holder: string, doc: { Statement: Array<Record<string, any>> }) => {
    for (const s of doc.Statement) {
      out.push({ holder, effect: s.Effect, actions: [].concat(s.Action ?? []), resources: [].concat(s.Resource ?? []) });
    }
  };
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') add(id, r.Properties!.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties?.Policies ?? []) add(id, p.PolicyDocument);
  }
  return out;
}

/** Logical ids of resources of these types. */
const idsOf = (...types: string[]) => new Set(Object.entries(resources).filter(([, r]) => types.includes(r.Type)).map(([id]) => id));

/**
 * Resources this stack owns that a policy may name (by Ref / GetAtt): its tables (and their
 * indexes), buckets, state machine, secret, WebSocket API, functions (invoke), log groups
 * (a function writes its own) and the web client's distribution (invalidation).
 */
const OWN = idsOf(
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::StepFunctions::StateMachine',
  'AWS::SecretsManager::Secret',
  'AWS::ApiGatewayV2::Api',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::CloudFront::Distribution',
);

/**
 * The only statements allowed Resource "*": AWS APIs without resource-level permissions.
 * - Step Functions' CloudWatch Logs delivery (the state machine's execution logging):
 *   logs:*LogDelivery*, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups accept
 *   only "*" (Step Functions developer guide, "IAM policies for logging to CloudWatch Logs").
 */
const NO_RESOURCE_LEVEL = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

/**
 * Managed policies attached to roles. Only AWSLambdaBasicExecutionRole, only on the roles of
 * aws-cdk-lib's own deploy-time handlers, which create those roles internally:
 * - `BucketNotificationsHandler…` (writes the recordings bucket's notification configuration);
 * - `Custom::S3AutoDeleteObjectsCustomResourceProvider` (empties a DESTROY bucket on delete).
 * matchcast's functions and the web client's deployment handler have their own roles with
 * no managed policy (they write their own log group only).
 */
const CDK_HANDLER_ROLE = /^(BucketNotificationsHandler[0-9a-f]+Role|CustomS3AutoDeleteObjectsCustomResourceProviderRole)[0-9A-F]{8}$/;

/** The CDK bootstrap asset bucket (`cdk-{qualifier}-assets-{account}-{region}`): the web client's zipped build. */
const ASSET_BUCKET = /^arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-<AWS::Region>(\/\*)?$/;

describe('IAM policies of MatchcastStack', () => {
  const all = statements();

  it('are found (the walk covers Policy resources and inline role policies)', () => {
    expect(all.length).toBeGreaterThan(30);
    expect(all.every((s) => s.effect === 'Allow')).toBe(true);
  });

  it('never allow "*" or a whole service ("dynamodb:*", "s3:*", …)', () => {
    const wild = all.flatMap((s) => s.actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/.test(a)).map((a) => `${s.holder}: ${a}`));
    expect(wild).toEqual([]);
  });

  it('use Resource "*" only for actions that have no resource-level permissions', () => {
    const star = all.filter((s) => s.resources.includes('*'));
    expect(star.length).toBeGreaterThan(0); // the Step Functions log delivery statement
    const offending = star.flatMap((s) => s.actions.filter((a) => !NO_RESOURCE_LEVEL.has(a)).map((a) => `${s.holder}: ${a}`));
    expect(offending).toEqual([]);
    // …and those actions only on the state machine's role.
    const smRoles = Object.values(resources)
      .filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')
      .map((r) => r.Properties!.RoleArn['Fn::GetAtt'][0]);
    for (const s of star) expect(JSON.stringify(resources[s.holder].Properties!.Roles)).toContain(`"${smRoles[0]}"`);
  });

  it('name only resources of this stack (tables and indexes, buckets, state machine and its executions, secret, API, own functions and log groups, distribution) — or the CDK asset bucket', () => {
    const foreign: string[] = [];
    for (const s of all) {
      for (const r of s.resources) {
        if (r === '*') continue;
        const text = String(placeholders(r));
        if (ASSET_BUCKET.test(text)) {
          // Read-only: the web client's deployment reads its zipped assets.
          expect([s.holder, s.actions.every((a) => /^s3:(Get|List)/.test(a))]).toEqual([s.holder, true]);
          continue;
        }
        // Every other resource references at least one resource of this template, and nothing else.
        const refs = [...text.matchAll(/<([A-Za-z0-9]+)(?:\.[A-Za-z]+)?>/g)].map((m) => m[1]).filter((id) => !id.startsWith('AWS::'));
        const ownRefs = refs.filter((id) => OWN.has(id));
        // The tick addresses its own state machine by its generated name (a Ref would be circular).
        const byName = /:states:<AWS::Region>:<AWS::AccountId>:execution:Matchcast-PlayerWorkflow-[0-9A-F]{8}:\*$/.test(text);
        if ((ownRefs.length === 0 && !byName) || ownRefs.length !== refs.length) foreign.push(`${s.holder}: ${text}`);
      }
    }
    expect(foreign).toEqual([]);
  });

  it('scope wildcards in resources to this stack: index/* of own tables, recordings/* and …/* of own buckets, own API stage connections, own executions, own function versions', () => {
    const wildcards = all.flatMap((s) => s.resources.map((r) => String(placeholders(r))).filter((t) => t !== '*' && t.includes('*')));
    const allowed = [
      /^<Tables[A-Za-z]+[0-9A-F]{8}\.Arn>\/index\/\*$/,
      /^<RecordingsBucket[0-9A-F]{8}\.Arn>\/(recordings|live)\/\*$/,
      /^<WebClientBucket[0-9A-F]{8}\.Arn>\/\*$/,
      /^arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi[0-9A-F]{8}>\/live\/\*\/@connections\/\*$/,
      /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.*:\*$/,
      /^<PlayerWorkflowTickFunction[0-9A-F]{8}\.Arn>:\*$/,
      /^<PlayerWorkflowFanOutFunction[0-9A-F]{8}\.Arn>:\*$/,
      /^<RecordingsIndexRecording[0-9A-F]{8}\.Arn>:\*$/,
      ASSET_BUCKET,
    ];
    expect(wildcards.filter((w) => !allowed.some((a) => a.test(w)))).toEqual([]);
  });

  it('attach a managed policy only to aws-cdk-lib deploy-time handler roles, and only AWSLambdaBasicExecutionRole', () => {
    const attached = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.ManagedPolicyArns)
      .flatMap(([id, r]) => (r.Properties!.ManagedPolicyArns as unknown[]).map((arn) => [id, String(placeholders(arn))] as const));
    expect(attached.length).toBeGreaterThan(0);
    for (const [id, arn] of attached) {
      expect([id, CDK_HANDLER_ROLE.test(id)]).toEqual([id, true]);
      expect(arn).toMatch(/^arn:(<AWS::Partition>|\$\{AWS::Partition\}):iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole$/);
    }
    // No user, group or managed policy resources of our own.
    expect(idsOf('AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::ManagedPolicy').size).toBe(0);
  });

  it('give every matchcast function its own role without managed policies, writing only its own log group', () => {
    const fns = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && (r as any).Metadata?.['matchcast:entry']);
    expect(fns).toHaveLength(11);
    const roles = new Set<string>();
    for (const [id, fn] of fns) {
      const role = fn.Properties!.Role['Fn::GetAtt'][0] as string;
      roles.add(role);
      expect([id, resources[role].Properties?.ManagedPolicyArns]).toEqual([id, undefined]);
      const logGroup = fn.Properties!.LoggingConfig.LogGroup.Ref as string;
      const logs = all.filter((s) => JSON.stringify(resources[s.holder].Properties?.Roles ?? []).includes(`"${role}"`) && s.actions.some((a) => a.startsWith('logs:')));
      expect(logs.map((s) => [s.actions.sort(), s.resources])).toEqual([[['logs:CreateLogStream', 'logs:PutLogEvents'], [{ 'Fn::GetAtt': [logGroup, 'Arn'] }]]]);
    }
    expect(roles.size).toBe(fns.length);
  });

  it('scope the web client deployment\'s CloudFront invalidation to its distribution', () => {
    const cf = all.filter((s) => s.actions.some((a) => a.startsWith('cloudfront:')));
    expect(cf).toHaveLength(1);
    expect(cf[0].actions.sort()).toEqual(['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation']);
    expect(String(placeholders(cf[0].resources[0]))).toMatch(/^arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution\/<WebClientDistribution[0-9A-F]{8}>$/);
  });

  it('read recordings with s3:GetObject on recordings/* and live/* and s3:ListBucket (404 for a missing key), write live chunks and keyframes only under live/ and indexes only under recordings/, never s3:GetObject* or bucket-wide', () => {
    const s3 = all.filter((s) => JSON.stringify(s.resources).includes('RecordingsBucket') && s.actions.some((a) => a.startsWith('s3:')));
    const actions = new Set(s3.flatMap((s) => s.actions));
    expect([...actions].sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutBucketNotification', 's3:PutObject']);
    for (const s of s3) {
      const text = s.resources.map((r) => String(placeholders(r)));
      if (s.actions.includes('s3:GetObject')) expect(text).toEqual([expect.stringMatching(/\/recordings\/\*$/), expect.stringMatching(/\/live\/\*$/)]);
      if (s.actions.includes('s3:DeleteObject')) expect(text).toEqual([expect.stringMatching(/\/live\/\*$/)]);
      // The index function writes both (indexes beside recordings, live games' keyframes); the HTTP API function live chunks only.
      if (s.actions.includes('s3:PutObject')) for (const t of text) expect(t).toMatch(/\/(recordings|live)\/\*$/);
    }
  });
});
