import { ACCOUNT_THROTTLE } from '../../contract/defaults';
import { evaluatePolicy, fullBucket, identityPresent, resolveLimits, selectRoute, takeToken, type TokenBucketState } from '../../local/gateway/policy';
import type { GatewayRoute } from '../../local/gateway';

const fn: GatewayRoute = { handler: async () => undefined, functionName: 'f', timeoutMs: 1000 };
const ARN = 'arn:aws:execute-api:us-east-1:000000000000:local/live/$connect';
const policy = (Effect: string, Resource: string | string[], Action: string | string[] = 'execute-api:Invoke') => ({ Effect, Resource, Action });
const result = (...Statement: object[]) => ({ principalId: 'u1', policyDocument: { Version: '2012-10-17', Statement } });

describe('gateway policy: the API Gateway quotas', () => {
  it('fills in 128 KB, 10 min idle, 2 h per connection and the 29 s integration timeout', () => {
    expect(resolveLimits()).toEqual({
      maxMessageBytes: 131072,
      idleTimeoutMs: 600_000,
      maxConnectionMs: 7_200_000,
      integrationTimeoutMs: 29_000,
      managementLatencyMs: 0,
      managementThrottle: undefined,
    });
    expect(resolveLimits({ idleTimeoutMs: 5 })).toMatchObject({ idleTimeoutMs: 5, maxMessageBytes: 131072 });
  });
});

describe('gateway policy: the AWS model of @connections (off by default)', () => {
  it('takes a latency and a throttle, and refuses nonsense', () => {
    expect(resolveLimits({ managementLatencyMs: 20, managementThrottle: ACCOUNT_THROTTLE })).toMatchObject({ managementLatencyMs: 20, managementThrottle: { ratePerSecond: 10_000, burst: 5_000 } });
    expect(() => resolveLimits({ managementLatencyMs: -1 })).toThrow('managementLatencyMs');
    expect(() => resolveLimits({ managementThrottle: { ratePerSecond: 0, burst: 5 } })).toThrow('managementThrottle');
    expect(() => resolveLimits({ managementThrottle: { ratePerSecond: 5, burst: 0 } })).toThrow('managementThrottle');
  });

  it('lets a burst through at once, then the rate (a token bucket on an injected clock)', () => {
    const throttle = { ratePerSecond: 10_000, burst: 5_000 };
    let state: TokenBucketState = fullBucket(throttle, 0);
    let allowed = 0;
    for (let i = 0; i < 6_000; i++) {
      const r = takeToken(state, 0, throttle);
      state = r.state;
      if (r.allowed) allowed++;
    }
    expect(allowed).toBe(5_000); // the burst, at one instant
    // 100 ms later: 1,000 tokens more (10,000/s), never more than the burst.
    allowed = 0;
    for (let i = 0; i < 2_000; i++) {
      const r = takeToken(state, 100, throttle);
      state = r.state;
      if (r.allowed) allowed++;
    }
    expect(allowed).toBe(1_000);
    expect(takeToken(state, 100_000, throttle).state.tokens).toBe(throttle.burst - 1);
    // A clock that goes back refills nothing.
    expect(takeToken({ tokens: 0, atMs: 500 }, 400, throttle).allowed).toBe(false);
  });

  it('sustains the rate over a long run: 10,000/s for 10 s of simulated time', () => {
    const throttle = ACCOUNT_THROTTLE;
    let state = fullBucket(throttle, 0);
    let allowed = 0;
    // 20,000 requests a second offered, one every 50 µs.
    for (let i = 0; i < 200_000; i++) {
      const r = takeToken(state, i * 0.05, throttle);
      state = r.state;
      if (r.allowed) allowed++;
    }
    // burst + rate × 10 s, give or take the last partial token.
    expect(allowed).toBeGreaterThanOrEqual(5_000 + 100_000 - 1);
    expect(allowed).toBeLessThanOrEqual(5_000 + 100_000);
  });
});

describe('gateway policy: route selection on $request.body.action', () => {
  const routes = { $default: fn, $connect: fn, echo: fn };
  it('selects the action when it names a route, else $default', () => {
    expect(selectRoute('{"action":"echo"}', routes)).toBe('echo');
    expect(selectRoute('{"action":"nope"}', routes)).toBe('$default');
    expect(selectRoute('not json', routes)).toBe('$default');
    expect(selectRoute('["echo"]', routes)).toBe('$default');
    expect(selectRoute('{"action":7}', routes)).toBe('$default');
  });
  it('never selects $connect, $disconnect or inherited keys', () => {
    expect(selectRoute('{"action":"$connect"}', routes)).toBe('$default');
    expect(selectRoute('{"action":"toString"}', routes)).toBe('$default');
    expect(selectRoute('{"action":"__proto__"}', routes)).toBe('$default');
  });
  it('selects nothing when $default is needed and missing', () => {
    expect(selectRoute('{"action":"nope"}', { echo: fn })).toBeUndefined();
  });
});

describe('gateway policy: identity sources', () => {
  it('checks query strings and headers (case-insensitively), never stage variables', () => {
    expect(identityPresent('route.request.querystring.token', {}, { token: 'x' })).toBe(true);
    expect(identityPresent('route.request.querystring.token', {}, { token: '' })).toBe(false);
    expect(identityPresent('route.request.header.Authorization', { authorization: 'Bearer x' }, {})).toBe(true);
    expect(identityPresent('method.request.header.Authorization', {}, {})).toBe(false);
    expect(identityPresent('stageVariables.x', {}, {})).toBe(false);
    expect(identityPresent('context.requestId', {}, {})).toBe(true);
  });
});

describe('gateway policy: the authorizer IAM policy', () => {
  it('allows on a matching Allow and stringifies context values', () => {
    expect(evaluatePolicy({ ...result(policy('Allow', ARN)), context: { n: 5, ok: true, s: 'a', gone: null } }, ARN)).toEqual({
      kind: 'allow',
      principalId: 'u1',
      context: { n: '5', ok: 'true', s: 'a' },
    });
  });
  it('matches * and ? wildcards in Resource, and execute-api:* or * as Action', () => {
    expect(evaluatePolicy(result(policy('Allow', 'arn:aws:execute-api:*:*:local/*')), ARN).kind).toBe('allow');
    expect(evaluatePolicy(result(policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:local/liv?/$connect', '*')), ARN).kind).toBe('allow');
    expect(evaluatePolicy(result(policy('Allow', ARN, 'execute-api:*')), ARN).kind).toBe('allow');
  });
  it('denies on an explicit Deny (which wins), on no matching Allow, and on another action', () => {
    expect(evaluatePolicy(result(policy('Allow', ARN), policy('Deny', '*')), ARN)).toEqual({ kind: 'deny' });
    expect(evaluatePolicy(result(policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:other/*')), ARN)).toEqual({ kind: 'deny' });
    expect(evaluatePolicy(result(policy('Allow', ARN, 's3:GetObject')), ARN)).toEqual({ kind: 'deny' });
  });
  it('calls a result without policyDocument, or with a context of objects, invalid', () => {
    expect(evaluatePolicy(null, ARN).kind).toBe('invalid');
    expect(evaluatePolicy({ principalId: 'u' }, ARN).kind).toBe('invalid');
    expect(evaluatePolicy({ ...result(policy('Allow', ARN)), context: { nested: { a: 1 } } }, ARN)).toEqual({ kind: 'invalid', reason: 'context.nested must be a string, number or boolean' });
  });
});
