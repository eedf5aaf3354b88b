import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeJwt } from 'jose';
import { verifyToken } from '../../contract/token';
import { CliError } from '../../scripts/lib/cli';
import { parseRoles, runToken } from '../../scripts/token';
import { describedStack } from '../support/fixtures-stack';

const SECRET = 'a-fake-secret-for-tests-only-0123456789abcdef';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:MatchcastJwt-abc';
const cfnMock = mockClient(CloudFormationClient);
const smMock = mockClient(SecretsManagerClient);

function capture(): { stdout: PassThrough; text: () => string } {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  return { stdout, text: () => Buffer.concat(chunks).toString('utf8') };
}

const aws = () => ({ cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }), secrets: new SecretsManagerClient({ region: 'eu-west-1' }) });

beforeEach(() => {
  cfnMock.reset();
  smMock.reset();
  cfnMock
    .on(DescribeStacksCommand, { StackName: 'Matchcast' })
    .resolves(describedStack('Matchcast', { WebSocketUrl: 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod', JwtSecretArn: SECRET_ARN }));
  smMock.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: SECRET });
});

describe('--stack: mint with the stack secret', () => {
  test('prints the token alone; it verifies with the secret and names the user', async () => {
    const out = capture();
    const code = await runToken(['--stack', 'Matchcast', '--user', 'alice', '--name', 'Alice A.', '--ttl', '2h'], out, aws());
    expect(code).toBe(0);
    const text = out.text();
    expect(text).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/); // the JWT and a newline, nothing else
    const token = text.trim();
    await expect(verifyToken(SECRET, token)).resolves.toEqual({ userId: 'alice', displayName: 'Alice A.', roles: [] });
    await expect(verifyToken(`${SECRET}-other`, token)).rejects.toThrow(/invalid token/);
    const { exp, iat } = decodeJwt(token);
    expect(exp! - iat!).toBe(7200);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  test('default ttl is one hour', async () => {
    const out = capture();
    await runToken(['--stack', 'Matchcast', '--user', 'bob'], out, aws());
    const { exp, iat } = decodeJwt(out.text().trim());
    expect(exp! - iat!).toBe(3600);
  });

  test('a bad user id is a usage error, before nothing is printed', async () => {
    const out = capture();
    const err = await runToken(['--stack', 'Matchcast', '--user', 'no spaces'], out, aws()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect(out.text()).toBe('');
  });

  test('an unreadable secret is one clear line', async () => {
    smMock.on(GetSecretValueCommand).rejects(Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), { name: 'AccessDeniedException', $metadata: {} }));
    await expect(runToken(['--stack', 'Matchcast', '--user', 'alice'], capture(), aws())).rejects.toThrow(/^reading the JWT secret of stack Matchcast: access denied/);
  });
});

describe('--role', () => {
  test('repeatable or comma-separated, deduplicated; anything else is a usage error', () => {
    expect(parseRoles([])).toEqual([]);
    expect(parseRoles(['publisher', 'operator,publisher'])).toEqual(['publisher', 'operator']);
    expect(() => parseRoles(['admin'])).toThrow(new CliError('--role "admin": expected publisher or operator', 2));
  });

  // token-source.ts mintStackToken does not pass `roles` to mintToken yet: a --stack token
  // comes without them. Turn into `test` once it does.
  test('--stack: the minted token grants the roles', async () => {
    const out = capture();
    await runToken(['--stack', 'Matchcast', '--user', 'feed', '--role', 'publisher'], out, aws());
    await expect(verifyToken(SECRET, out.text().trim())).resolves.toMatchObject({ userId: 'feed', roles: ['publisher'] });
  });

  test('a bad role fails before the target is looked up', async () => {
    await expect(runToken(['--stack', 'Matchcast', '--user', 'feed', '--role', 'root'], capture(), aws())).rejects.toMatchObject({ exitCode: 2 });
    expect(cfnMock.calls()).toHaveLength(0);
  });
});

test('usage errors', async () => {
  await expect(runToken([], capture())).rejects.toMatchObject({ exitCode: 2, message: '--user NAME is required (see --help)' });
  await expect(runToken(['--user', 'a', '--ttl', 'forever'], capture())).rejects.toMatchObject({ exitCode: 2 });
  const out = capture();
  expect(await runToken(['--help'], out)).toBe(0);
  expect(out.text()).toMatch(/^usage: npm run token/);
});

describe('local mode: /dev/token', () => {
  let server: Server;
  let dir: string;
  let runtimeFile: string;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const user = url.searchParams.get('user') ?? '';
      if (url.pathname !== '/dev/token') return void res.writeHead(404).end();
      if (!/^[a-z]+$/.test(user)) return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `user id "${user}" is bad` }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `tok-${user}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'matchcast-token-'));
    runtimeFile = join(dir, 'runtime.json');
    writeFileSync(
      runtimeFile,
      JSON.stringify({ pid: process.pid, httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/`, dynamodbEndpoint: 'http://127.0.0.1:1', region: 'us-east-1', tables: { Streams: 'Streams' } }),
    );
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('asks the running stack and prints its token', async () => {
    const out = capture();
    expect(await runToken(['--user', 'alice', '--name', 'Alice'], out, { runtimeFile })).toBe(0);
    expect(out.text()).toBe('tok-alice\n');
    expect(requests.at(-1)).toBe('/dev/token?user=alice&name=Alice');
    expect(cfnMock.calls()).toHaveLength(0);
  });

  test('--role asks /dev/token for the roles', async () => {
    const out = capture();
    expect(await runToken(['--user', 'feed', '--role', 'publisher', '--role', 'operator'], out, { runtimeFile })).toBe(0);
    expect(out.text()).toBe('tok-feed\n');
    expect(requests.at(-1)).toBe('/dev/token?user=feed&roles=publisher%2Coperator');
  });

  test("the server's refusal is the message", async () => {
    await expect(runToken(['--user', 'Bad1'], capture(), { runtimeFile })).rejects.toThrow(new CliError('/dev/token refused: user id "Bad1" is bad'));
  });

  test('nothing listening: a hint to start local mode', async () => {
    const file = join(dir, 'dead.json');
    writeFileSync(file, JSON.stringify({ pid: process.pid, httpUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/', dynamodbEndpoint: 'http://127.0.0.1:1', region: 'us-east-1', tables: {} }));
    await expect(runToken(['--user', 'alice'], capture(), { runtimeFile: file })).rejects.toThrow(/cannot reach local mode at http:\/\/127.0.0.1:1 .*npm start/);
  });
});
