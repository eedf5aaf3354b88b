/**
 * The shapes the local WebSocket gateway is configured with: its integrations (local Lambda
 * functions), the `$connect` REQUEST authorizer, the extra HTTP handler and the log sink.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LambdaHandler } from '../lambda-runtime';

/** A route's integration: a local Lambda function. */
export interface GatewayRoute {
  readonly handler: LambdaHandler;
  readonly functionName: string;
  /** Lambda timeout, ms. */
  readonly timeoutMs: number;
  readonly memoryMb?: number;
}

/** The `$connect` REQUEST authorizer. */
export interface GatewayAuthorizer {
  readonly handler: LambdaHandler;
  readonly functionName: string;
  /** Lambda timeout, ms. @default 3000 (Lambda's default) */
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  /** e.g. `route.request.querystring.token`, `route.request.header.Authorization`. */
  readonly identitySource: string[];
}

/** Extra HTTP routes served on the same port; resolve `true` when the request was handled. */
export type GatewayHttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** A structured log sink: one JSON-able entry per call (`service: 'gateway'`, `msg`, …). */
export type GatewayLog = (entry: Record<string, unknown>) => void;
