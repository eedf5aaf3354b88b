/**
 * {@link LiveKeyframer} on AWS: an asynchronous invocation of the index function with
 * `{ refoldLiveKeyframes: gameId }` (core/refold-request.ts), signed and sent as the tick's
 * shard jobs are (adapters/lambda-invoke.ts `SignedLambdaInvoker.queue`).
 */
import { ENV } from '../../contract/env';
import { refoldRequest } from '../core/refold-request';
import type { LiveKeyframer } from '../ports/live-keyframer';
import { MissingConfigError } from './config';
import { SignedLambdaInvoker, type SignedLambdaInvokerOptions } from './lambda-invoke';

/** The index function's refold, queued as a Lambda `Event` invocation. */
export class InvokedLiveKeyframer implements LiveKeyframer {
  private readonly invoker: SignedLambdaInvoker;

  /** `opts.functionName`: the index function's name or ARN; `timeoutMs` defaults to 10 s here (queuing answers at once). */
  constructor(opts: SignedLambdaInvokerOptions) {
    this.invoker = new SignedLambdaInvoker({ timeoutMs: 10_000, ...opts });
  }

  request(gameId: string): Promise<void> {
    return this.invoker.queue(refoldRequest(gameId));
  }
}

/**
 * The keyframer `env` (a function's environment) names: INDEX_FUNCTION_NAME (unset or empty:
 * none — live keyframes stay stopped where the lean kinds stop), AWS_REGION (or
 * AWS_DEFAULT_REGION; Lambda sets it), AWS_ENDPOINT_URL_LAMBDA (local mode's Lambda endpoint;
 * default Lambda's own). Throws MissingConfigError when the name is set and no Region is.
 */
export function liveKeyframerFromEnvironment(env: NodeJS.ProcessEnv): LiveKeyframer | undefined {
  const functionName = env[ENV.indexFunctionName];
  if (!functionName) return undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new MissingConfigError('AWS_REGION');
  return new InvokedLiveKeyframer({ functionName, region, endpoint: env.AWS_ENDPOINT_URL_LAMBDA || undefined });
}
