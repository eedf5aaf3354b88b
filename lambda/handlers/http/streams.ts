/**
 * The HTTP API's stream routes (docs/HTTP-API.md "Scheduled streams"), as functions the HTTP
 * router (handlers/http-api.ts) calls after its authorizer has verified the token:
 * `POST /streams` ({@link postStream}, operator) and `GET /streams` ({@link getStreams}, any
 * valid token) — application/schedule.ts's use cases on the ports they are given.
 *
 * Every refusal is `{ error: { code, message } }` with the HTTP status of its code and
 * changes nothing. DynamoDB failures are thrown (`AwsServiceError`/`ThrottledError`): the
 * router answers them `500 internal`.
 */
import { listStreams, scheduleStream, type ListStreamsPorts, type ScheduleStreamPorts } from '../../application/schedule';
import type { HttpIdentity, HttpResult } from '../../core/http-api';

export type { ScheduledStreamCreated } from '../../application/schedule';

/**
 * `POST /streams` — application/schedule.ts `scheduleStream` on `ports` (its answers: 201,
 * 403, 400, 404, 409). `now` is wall time, epoch ms. Throws on DynamoDB failures (the router's `500`).
 */
export function postStream(ports: ScheduleStreamPorts, identity: HttpIdentity, body: unknown, now: number): Promise<HttpResult> {
  return scheduleStream(ports, identity, body, now);
}

/** `GET /streams` — application/schedule.ts `listStreams` on `ports`: `200 { streams }`. Throws on DynamoDB failures. */
export function getStreams(ports: ListStreamsPorts): Promise<HttpResult> {
  return listStreams(ports);
}
