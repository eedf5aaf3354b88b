import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { CliError } from '../../../scripts/lib/cli';
import { clientConfig, NOT_RUNNING, readRuntimeFile, resolveTarget, RUNTIME_FILE } from '../../../scripts/lib/target';
import { describedStack } from '../../support/fixtures-stack';

const cfnMock = mockClient(CloudFormationClient);
let dir: string;

beforeEach(() => {
  cfnMock.reset();
  dir = mkdtempSync(join(tmpdir(), 'matchcast-target-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What local/stack.ts writes. */
const runtime = {
  pid: process.pid,
  httpUrl: 'http://127.0.0.1:3000',
  wsUrl: 'ws://127.0.0.1:3000/',
  callbackUrl: 'http://127.0.0.1:3000/@connections',
  s3Endpoint: 'http://127.0.0.1:4569',
  dynamodbEndpoint: 'http://127.0.0.1:4567',
  sfnEndpoint: 'http://127.0.0.1:4570',
  region: 'us-east-1',
  bucket: 'matchcast-recordings',
  tables: { Connections: 'Connections', Streams: 'Streams', Games: 'Games' },
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Player',
};

test('the runtime file path is the one local mode writes', () => {
  expect(RUNTIME_FILE.endsWith(join('.local', 'runtime.json'))).toBe(true);
});

test('no runtime file: the README message', () => {
  expect(() => readRuntimeFile(join(dir, 'runtime.json'))).toThrow(new CliError(NOT_RUNNING));
  expect(NOT_RUNNING).toBe('local mode is not running: start it with `npm start`, or pass --stack NAME');
});

test('a runtime file left by a dead process is not a running stack', () => {
  const file = join(dir, 'runtime.json');
  writeFileSync(file, JSON.stringify({ ...runtime, pid: 999_999 }));
  expect(() => readRuntimeFile(file, () => false)).toThrow(/local mode is not running.*process 999999/);
});

test('a broken runtime file says so', () => {
  const file = join(dir, 'runtime.json');
  writeFileSync(file, '{');
  expect(() => readRuntimeFile(file)).toThrow(/not valid JSON/);
  writeFileSync(file, JSON.stringify({ pid: process.pid }));
  expect(() => readRuntimeFile(file)).toThrow(/lacks wsUrl, httpUrl, dynamodbEndpoint, tables/);
});

test('local target: endpoints, tables and dummy credentials from the runtime file', async () => {
  const file = join(dir, 'runtime.json');
  writeFileSync(file, JSON.stringify(runtime));
  const t = await resolveTarget(undefined, { runtimeFile: file });
  expect(t).toMatchObject({
    kind: 'local',
    wsUrl: 'ws://127.0.0.1:3000/',
    httpUrl: 'http://127.0.0.1:3000',
    tables: { streams: 'Streams', connections: 'Connections', games: 'Games' },
  });
  expect(clientConfig(t, 'dynamodb')).toMatchObject({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4567', credentials: { accessKeyId: 'S3RVER' } });
  expect(clientConfig(t, 's3')).toMatchObject({ endpoint: 'http://127.0.0.1:4569', forcePathStyle: true });
  expect(cfnMock.calls()).toHaveLength(0);
});

test('--stack: CloudFormation outputs, default credentials, no endpoint', async () => {
  cfnMock.on(DescribeStacksCommand, { StackName: 'Matchcast' }).resolves(
    describedStack('Matchcast', {
      WebSocketUrl: 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod',
      StreamsTableName: 'Matchcast-Streams-1',
      ConnectionsTableName: 'Matchcast-Connections-1',
      JwtSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:jwt',
    }),
  );
  const t = await resolveTarget('Matchcast', { cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }) });
  expect(t).toMatchObject({
    kind: 'aws',
    name: 'Matchcast',
    region: 'eu-west-1',
    wsUrl: 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod',
    tables: { streams: 'Matchcast-Streams-1', connections: 'Matchcast-Connections-1' },
    jwtSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:jwt',
  });
  const cfg = clientConfig(t, 'dynamodb');
  expect(cfg.endpoint).toBeUndefined();
  expect(cfg.credentials).toBeUndefined();
});

test('--stack of a missing stack: one line, no stack trace', async () => {
  const err = Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError', $metadata: {} });
  cfnMock.on(DescribeStacksCommand).rejects(err);
  await expect(resolveTarget('Nope', { cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }) })).rejects.toThrow(
    new CliError('reading stack Nope: Stack with id Nope does not exist'),
  );
});

test('--stack that is not a matchcast stack', async () => {
  cfnMock.on(DescribeStacksCommand).resolves(describedStack('Other'));
  await expect(resolveTarget('Other', { cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }) })).rejects.toThrow(/has no WebSocketUrl output/);
});
