/**
 * The HTTP API's stream routes (docs/HTTP-API.md "Scheduled streams"), as functions the HTTP
 * router (handlers/http-api.ts) calls after its authorizer has verified the token:
 * `POST /streams` ({@link postStream}, operator) and `GET /streams` ({@link getStreams}, any
 * valid token) — application/schedule.ts's use cases on this container's adapters.
 *
 * Every refusal is `{ error: { code, message } }` with the HTTP status of its code and
 * changes nothing. DynamoDB failures are thrown (`AwsServiceError`/`ThrottledError`): the
 * router answers them `500 internal`.
 */
import { listStreams, scheduleStream, type ScheduleStreamPorts } from '../../application/schedule';
import type { HttpIdentity, HttpResult } from '../../core/http-api';
import { games, streams } from '../../adapters/dynamo';
import { broadcaster } from '../../adapters/fanout';
import { log } from '../../adapters/log';
import { workflow } from '../../adapters/workflow';

export type { ScheduledStreamCreated } from '../../application/schedule';

/** The scheduling ports of this container (tables named by STREAMS_TABLE, GAMES_TABLE, read on first use). */
function ports(): ScheduleStreamPorts {
  return { streams: streams(), games: games(), broadcaster, workflow, log };
}

/**
 * `POST /streams` — application/schedule.ts `scheduleStream` (its answers: 201, 403, 400,
 * 404, 409). `now` is wall time, epoch ms. Throws on DynamoDB failures (the router's `500`).
 */
export function postStream(identity: HttpIdentity, body: unknown, now = Date.now()): Promise<HttpResult> {
  return scheduleStream(ports(), identity, body, now);
}

/** `GET /streams` — application/schedule.ts `listStreams`: `200 { streams }`. Throws on DynamoDB failures. */
export function getStreams(): Promise<HttpResult> {
  return listStreams({ streams: streams() });
}
