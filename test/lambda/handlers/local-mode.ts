/**
 * For end-to-end tests on local mode (test/e2e): what a function of the local stack running
 * in this process does, called in-process — built with that function's own composition root
 * from the environment local mode built the function from (local/functions.ts
 * `localFunctionEnvironment`). Call these only after the stack has started.
 */
import { localFunctionEnvironment } from '../../../local/functions';
import { ENV, requireEnv } from '../../../lambda/adapters/config';
import { sfnClient, StepFunctionsWorkflow } from '../../../lambda/adapters/workflow';
import type { HttpIdentity, HttpResult } from '../../../lambda/core/http-api';
import type { TickInput } from '../../../lambda/core/workflow';
import { fromEnvironment as httpApiDeps } from '../../../lambda/handlers/http-api';
import * as routes from '../../../lambda/handlers/http/streams';

/**
 * `POST /streams` as the local `http-api` function answers it (handlers/http/streams.ts
 * `postStream` on its adapters); `now` is wall time, epoch ms.
 */
export function postStream(identity: HttpIdentity, body: unknown, now = Date.now()): Promise<HttpResult> {
  return routes.postStream(httpApiDeps(localFunctionEnvironment('http-api')), identity, body, now);
}

/** `GET /streams` as the local `http-api` function answers it. */
export function getStreams(): Promise<HttpResult> {
  return routes.getStreams(httpApiDeps(localFunctionEnvironment('http-api')));
}

/**
 * StartExecution of the local Player state machine (the tick function's
 * PLAYER_STATE_MACHINE_ARN) through the workflow adapter (lambda/adapters/workflow.ts
 * `StepFunctionsWorkflow.start`): its execution ARN; a duplicate name is the running execution.
 */
export function startExecution(name: string, input: TickInput): Promise<string> {
  const stateMachineArn = requireEnv(ENV.stateMachineArn, localFunctionEnvironment('tick'));
  return new StepFunctionsWorkflow({ client: sfnClient(), stateMachineArn }).start(name, input);
}
