/**
 * The environment variables through which the CDK constructs (lib/) configure each Lambda
 * function, and local mode configures the same handlers. Both sides import this object, so a
 * rename cannot leave a handler reading a stale name.
 */
export const ENV = {
  connectionsTable: 'CONNECTIONS_TABLE',
  streamsTable: 'STREAMS_TABLE',
  gamesTable: 'GAMES_TABLE',
  recordingsBucket: 'RECORDINGS_BUCKET',
  stateMachineArn: 'PLAYER_STATE_MACHINE_ARN',
  /** The stage's callback URL, `https://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  callbackUrl: 'CALLBACK_URL',
  jwtSecretArn: 'JWT_SECRET_ARN',
  /**
   * OIDC mode of the token verifiers (the WebSocket `$connect` authorizer and the HTTP API's), all three set or none: the issuer
   * (`iss`), the audience (`aud`) and the JWKS URL of an IdP (Cognito or any). Unset: HS256
   * with the stack's generated secret (JWT_SECRET_ARN).
   */
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  jwksUrl: 'JWKS_URL',
  /** Seconds a stream with no clients lives on before it ends `idle` (default in contract/defaults.ts). */
  idleTtlSeconds: 'STREAM_IDLE_TTL_SECONDS',
  /** Wall-clock seconds a stream may run before it ends with `max_duration`. */
  maxStreamSeconds: 'MAX_STREAM_SECONDS',
  /**
   * Seconds a pvai/pvp stream may go without a controller connected before the sweeper ends
   * it `stopped`: a short grace for a reconnect.
   */
  controllerGraceSeconds: 'CONTROLLER_GRACE_SECONDS',
  /** Seconds a playing stream may be without a running execution before it is a zombie. */
  zombieGraceSeconds: 'ZOMBIE_GRACE_SECONDS',
  /** Most connections attached to one stream; a `start`/`join` beyond it is refused. */
  maxClientsPerStream: 'MAX_CLIENTS_PER_STREAM',
  /**
   * Playout buffer (ms) of a recorded game's spectate stream, an integer 0–60,000: frames are
   * sent up to this long before they are due (docs/PROTOCOL.md "Playout buffer (1.1)"); 0 sends
   * nothing early. Unset: contract/defaults.ts. Read by the control function, which creates them.
   */
  spectateLeadMs: 'SPECTATE_LEAD_MS',
  /** The Quotas table: one item per user and quota resource, one per holder (lambda/adapters/quotas.ts). */
  quotasTable: 'QUOTAS_TABLE',
  /** The per-user quotas, JSON `{"connections":20,…}` (keys of lambda/ports/quotas.ts; defaults in contract/defaults.ts). */
  userQuotas: 'USER_QUOTAS',
  /**
   * Limits per user, JSON `{"chat":{"burst":5,"perSecond":1},…}` by bucket kind (chat, react,
   * input, control, ping), each optional; unset: lambda/core/rate-limit.ts `RATE_LIMITS`.
   */
  userRateLimits: 'USER_RATE_LIMITS',
  /** A stream's social budget in posts, JSON `{"burst":…,"perSecond":…}`; unset: core/rate-limit.ts `STREAM_SOCIAL_LIMITS`. */
  streamSocialLimits: 'STREAM_SOCIAL_LIMITS',
  /** Milliseconds over which a stream's reactions are summed into one `reactions` message; unset: contract/defaults.ts. */
  reactionWindowMs: 'REACTION_WINDOW_MS',
  /** The tick's fan-out workers' function name (lib/player-workflow.ts); unset: the tick never shards (lambda/core/shards.ts). */
  fanOutFunctionName: 'FANOUT_FUNCTION_NAME',
  /** Attached connections above which the tick shards its fan-out; unset: lambda/core/shards.ts `DEFAULT_SHARD_THRESHOLD`. */
  fanOutShardThreshold: 'FANOUT_SHARD_THRESHOLD',
  /** The index function's name, given to the HTTP API function (lib/matchcast-stack.ts): it folds live games' keyframes on past the lean kinds; unset: they stay stopped there. */
  indexFunctionName: 'INDEX_FUNCTION_NAME',
} as const;
