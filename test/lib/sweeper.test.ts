import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ENV } from '../../contract/env';
import { PlayerWorkflow } from '../../lib/player-workflow';
import { Sweeper, type SweeperProps } from '../../lib/sweeper';
import { Tables } from '../../lib/tables';
import { MatchcastWebSocketApi } from '../../lib/websocket-api';
import { logicalId, testApp } from './support';

function make(over: Partial<SweeperProps> = {}) {
  const stack = new Stack(testApp(), 'S');
  const tables = new Tables(stack, 'T');
  const bucket = new s3.Bucket(stack, 'B');
  const webSocket = new MatchcastWebSocketApi(stack, 'W', { tables, bucket });
  const workflow = new PlayerWorkflow(stack, 'P', { tables, bucket, webSocket });
  const sweeper = new Sweeper(stack, 'Sweeper', { tables, bucket, webSocket, workflow, ...over });
  return { stack, sweeper };
}

describe('Sweeper', () => {
  it('runs on the given rate with the idle TTL in seconds', () => {
    const { stack, sweeper } = make({ every: Duration.minutes(5), idleTtl: Duration.minutes(3) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    expect(t.toJSON().Resources[logicalId(sweeper.function)].Properties.Environment.Variables[ENV.idleTtlSeconds]).toBe('180');
  });

  it.each<[string, Partial<SweeperProps>]>([
    ['every', { every: Duration.seconds(90) }],
    ['idleTtl', { idleTtl: Duration.millis(100) }],
    ['workflow', { workflow: undefined }],
    ['tables', { tables: undefined }],
  ])('names %s when invalid', (prop, over) => {
    expect(() => make(over)).toThrow(prop);
  });
});
