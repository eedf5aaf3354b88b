import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_CONTROLLER_GRACE_SECONDS, DEFAULT_IDLE_TTL_SECONDS } from '../contract/defaults';
import { ENV } from '../contract/env';
import { MatchcastFunction } from './function';
import type { PlayerWorkflow } from './player-workflow';
import { grantReadRecordings } from './recordings';
import type { Tables } from './tables';
import { wholeSeconds } from './validation';
import type { MatchcastWebSocketApi } from './websocket-api';

/** Properties of {@link Sweeper}. */
export interface SweeperProps {
  readonly tables: Tables;
  readonly bucket: s3.IBucket;
  readonly webSocket: MatchcastWebSocketApi;
  readonly workflow: PlayerWorkflow;
  /**
   * How long a stream with no clients lives on before the sweeper ends it `idle`. Whole
   * seconds ≥ 1 s.
   * @default DEFAULT_IDLE_TTL_SECONDS (contract/defaults.ts: 5 minutes)
   */
  readonly idleTtl?: Duration;
  /**
   * How long a pvai/pvp stream may go without a controller connected before the sweeper ends
   * it with `stopped` — the grace for a reconnect. Whole seconds ≥ 1 s. The stream
   * ends on the first sweep after the grace, so up to `every` later.
   * @default DEFAULT_CONTROLLER_GRACE_SECONDS (contract/defaults.ts: 30 s)
   */
  readonly controllerGrace?: Duration;
  /**
   * How often the sweeper runs: whole minutes ≥ 1 (EventBridge `rate()` granularity).
   * @default Duration.minutes(1)
   */
  readonly every?: Duration;
}

/**
 * The scheduled sweeper (docs/ARCHITECTURE.md "Lifecycle and cleanup"): an EventBridge rule
 * every minute invokes `lambda/handlers/sweeper.ts`, which forgets expired connections, ends
 * idle streams and pvai/pvp streams left without a controller, restarts streams whose
 * execution died (zombies), and starts scheduled streams that are due.
 *
 * @throws Error naming `tables`, `bucket`, `webSocket`, `workflow` when missing; `idleTtl`
 *   or `controllerGrace` when not whole seconds ≥ 1 s; `every` when not whole minutes ≥ 1.
 */
export class Sweeper extends Construct {
  public readonly function: MatchcastFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    for (const p of ['tables', 'bucket', 'webSocket', 'workflow'] as const) {
      if (!props?.[p]) throw new Error(`Sweeper: ${p} is required`);
    }
    const idleTtlSeconds = wholeSeconds('Sweeper', 'idleTtl', props.idleTtl ?? Duration.seconds(DEFAULT_IDLE_TTL_SECONDS));
    const controllerGraceSeconds = wholeSeconds('Sweeper', 'controllerGrace', props.controllerGrace ?? Duration.seconds(DEFAULT_CONTROLLER_GRACE_SECONDS));
    const every = props.every ?? Duration.minutes(1);
    const everySeconds = wholeSeconds('Sweeper', 'every', every);
    if (everySeconds % 60 !== 0) throw new Error(`Sweeper: every must be whole minutes (EventBridge rate), got ${every.toHumanString()}`);

    this.function = new MatchcastFunction(this, 'Function', {
      handlerName: 'sweeper',
      timeout: Duration.seconds(55),
      environment: {
        ...props.tables.environment(),
        [ENV.recordingsBucket]: props.bucket.bucketName,
        [ENV.idleTtlSeconds]: String(idleTtlSeconds),
        [ENV.controllerGraceSeconds]: String(controllerGraceSeconds),
      },
    });
    props.tables.grantTableAccess(this.function);
    grantReadRecordings(props.bucket, this.function);
    props.webSocket.grantPostToConnections(this.function);
    props.workflow.addController(this.function);

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'matchcast sweeper: expired connections, idle streams, zombie executions',
      schedule: events.Schedule.rate(every),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
