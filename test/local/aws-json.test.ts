import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsJsonEndpoint, AwsServiceError, registerSecrets } from '../../local/aws-json';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:JwtSecret';

describe('AwsJsonEndpoint', () => {
  const endpoint = new AwsJsonEndpoint();
  let sfn: SFNClient;
  let secrets: SecretsManagerClient;

  beforeAll(async () => {
    endpoint.register('AWSStepFunctions.DescribeExecution', async (body: { executionArn?: string }) => {
      if (body.executionArn !== 'arn:aws:states:us-east-1:000000000000:execution:M:known') {
        throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${body.executionArn}'`);
      }
      return {
        executionArn: body.executionArn,
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:M',
        name: 'known',
        status: 'SUCCEEDED',
        startDate: 1_700_000_000.5,
        stopDate: 1_700_000_001,
        input: '{"a":1}',
        output: '{"b":2}',
      };
    });
    registerSecrets(endpoint, { [SECRET_ARN]: 's3cr3t' });
    await endpoint.listen(0);
    sfn = new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    secrets = new SecretsManagerClient({ endpoint: endpoint.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  });

  afterAll(async () => {
    sfn.destroy();
    secrets.destroy();
    await endpoint.close();
  });

  it('listens on 127.0.0.1', () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('returns JSON the real SFN client parses (epoch-second timestamps become Dates)', async () => {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:M:known' }));
    expect(out.status).toBe('SUCCEEDED');
    expect(out.startDate?.getTime()).toBe(1_700_000_000_500);
    expect(out.output).toBe('{"b":2}');
  });

  it('maps AwsServiceError to the SDK exception name', async () => {
    const err = await sfn
      .send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:M:nope' }))
      .catch((e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } });
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('ExecutionDoesNotExist');
    expect((err as Error).message).toContain('nope');
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });

  it('serves secrets by ARN and by name', async () => {
    const byArn = await secrets.send(new GetSecretValueCommand({ SecretId: SECRET_ARN }));
    expect(byArn).toMatchObject({ ARN: SECRET_ARN, Name: 'JwtSecret', SecretString: 's3cr3t' });
    expect(byArn.VersionId).toEqual(expect.any(String));
    const byName = await secrets.send(new GetSecretValueCommand({ SecretId: 'JwtSecret' }));
    expect(byName.SecretString).toBe('s3cr3t');
    expect(byName.VersionId).toBe(byArn.VersionId);
  });

  it('matches secret ids exactly: a prefix or suffix of the ARN or the name finds nothing', async () => {
    for (const id of [SECRET_ARN.slice(0, -3), `${SECRET_ARN}-AbCdEf`, 'Jwt', 'JwtSecretX', 'xJwtSecret', SECRET_ARN.slice(5)]) {
      const err = await secrets.send(new GetSecretValueCommand({ SecretId: id })).catch((e: unknown) => e as Error);
      expect([id, (err as Error).name]).toEqual([id, 'ResourceNotFoundException']);
    }
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    const err = await secrets.send(new GetSecretValueCommand({ SecretId: 'Other' })).catch((e: unknown) => e as Error);
    expect((err as Error).name).toBe('ResourceNotFoundException');
  });

  it('rejects unknown operations and malformed bodies with AWS-style errors', async () => {
    const unknown = await fetch(endpoint.url, { method: 'POST', headers: { 'x-amz-target': 'AWSStepFunctions.DeleteStateMachine' }, body: '{}' });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });

    const bad = await fetch(endpoint.url, { method: 'POST', headers: { 'x-amz-target': 'secretsmanager.GetSecretValue' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('reports an unexpected operation failure as a 500 without a stack trace', async () => {
    endpoint.register('AWSStepFunctions.ListExecutions', async () => {
      throw new Error('boom');
    });
    const res = await fetch(endpoint.url, { method: 'POST', headers: { 'x-amz-target': 'AWSStepFunctions.ListExecutions' }, body: '{}' });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { __type: string; message: string };
    expect(body.__type).toBe('InternalFailure');
    expect(body.message).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  });
});

describe('AwsJsonEndpoint REST paths (Lambda Invoke for the fan-out workers)', () => {
  const endpoint = new AwsJsonEndpoint();
  const seen: Array<{ name: string; type: unknown; body: unknown }> = [];
  beforeAll(async () => {
    endpoint.registerPath(/^\/2015-03-31\/functions\/([^/]+)\/invocations$/, async (match, headers, body) => {
      seen.push({ name: decodeURIComponent(match[1]!), type: headers['x-amz-invocation-type'], body: JSON.parse(body) });
      return { status: 200, body: { connections: 1, delivered: 1, gone: [], failed: [] } };
    });
    await endpoint.listen(0);
  });
  afterAll(() => endpoint.close());

  it('hands a signed Invoke to its path handler, and the rest to the AWS JSON targets', async () => {
    const { SignedLambdaInvoker } = await import('../../lambda/adapters/lambda-invoke');
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:fanout';
    const invoker = new SignedLambdaInvoker({ functionName: arn, region: 'us-east-1', endpoint: endpoint.url, credentials: async () => credentials, maxAttempts: 1 });
    expect(await invoker.run({ streamId: 's', messages: [{ type: 'pong', at: 1 }], shard: { to: 'M' } })).toEqual({ connections: 1, delivered: 1, gone: [], failed: [] });
    expect(seen).toEqual([{ name: arn, type: 'RequestResponse', body: { streamId: 's', messages: [{ type: 'pong', at: 1 }], shard: { to: 'M' } } }]);
    const other = await fetch(`${endpoint.url}/`, { method: 'POST', headers: { 'x-amz-target': 'Nope.Nothing' }, body: '{}' });
    expect(other.status).toBe(400);
    expect(other.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});
