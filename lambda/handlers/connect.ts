/**
 * The `$connect` Lambda (after the REQUEST authorizer): records the connection
 * (application/connect.ts). Also the function's composition root: {@link fromEnvironment},
 * {@link createHandler}, and {@link handler} built on the first invocation.
 */
import { recordConnection, type ConnectPorts } from '../application/connect';
import { callerOf, type WebSocketEvent } from '../core/ws-event';
import type { Log } from '../ports/log';
import { ENV, requireEnv } from '../adapters/config';
import { DynamoConnectionRegistry } from '../adapters/connection-registry';
import { documentClient } from '../adapters/dynamo-write';
import { log, withLambdaContext } from '../adapters/log';
import { systemTime } from '../adapters/time';
import { lazyHandler } from '../adapters/lazy-handler';
import { quotasFromEnvironment } from '../adapters/quotas';
import { QuotaExceededError } from '../ports/quotas';

export { CONNECTION_TTL_SECONDS } from '../application/connect';

/** What the connect function is built from. */
export interface ConnectDeps extends ConnectPorts {
  log: Log;
}

/** The `$connect` handler over `deps`: `(event) → { statusCode: 200 }`. */
export function createHandler(deps: ConnectDeps): (event: WebSocketEvent) => Promise<{ statusCode: number }> {
  return withLambdaContext(async (event) => {
    const caller = callerOf(event);
    try {
      await recordConnection(deps, caller);
    } catch (e) {
      // Over the user's connection quota: the handshake is refused with 429 (nothing written).
      if (!(e instanceof QuotaExceededError)) throw e;
      deps.log.info('connection refused', { connectionId: caller.connectionId, userId: caller.userId, reason: e.message });
      return { statusCode: 429 };
    }
    deps.log.info('connected', { connectionId: caller.connectionId, userId: caller.userId });
    return { statusCode: 200 };
  });
}

/** The connect function's dependencies from `env` (its environment; contract/env.ts names): CONNECTIONS_TABLE. Throws MissingConfigError when it is unset. */
export function fromEnvironment(env: NodeJS.ProcessEnv): ConnectDeps {
  const tableName = requireEnv(ENV.connectionsTable, env);
  const client = documentClient();
  return { connections: new DynamoConnectionRegistry({ client, tableName }), quotas: quotasFromEnvironment(env, client), time: systemTime, log };
}

/** The Lambda entry: {@link createHandler}({@link fromEnvironment}(process.env)), built on the first invocation. */
export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));
