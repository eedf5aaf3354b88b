/**
 * Least privilege per function on the tables: each matchcast function's role allows exactly
 * the DynamoDB actions of lib/tables.ts TABLE_ACCESS on each table (what its adapters call),
 * and fails on any extra; only the functions that start or stop Player executions may.
 */
import { TABLE_ACCESS, type TableName } from '../../lib/tables';
import { buildStack, logicalId, placeholders, policyStatements, actionsOf } from './support';

const { stack, json } = buildStack({ webClient: false });
const tableIds: Record<TableName, string> = {
  connections: logicalId(stack.tables.connections),
  streams: logicalId(stack.tables.streams),
  games: logicalId(stack.tables.games),
  quotas: logicalId(stack.tables.quotas),
};
const functions = Object.entries<any>(json.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['matchcast:entry']);

/** handler name → table → sorted DynamoDB actions its role allows on that table (or its indexes). */
function allowed(): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [, fn] of functions) {
    const name = /lambda\/handlers\/(.+)\.ts$/.exec(fn.Metadata['matchcast:entry'])![1];
    const role = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const perTable: Record<string, Set<string>> = {};
    for (const p of policyStatements(json).filter((x) => JSON.stringify(x.roles).includes(`"${role}"`))) {
      const dynamo = actionsOf(p.statement).filter((a) => a.startsWith('dynamodb:'));
      if (!dynamo.length) continue;
      const resources = JSON.stringify(placeholders(p.statement.Resource));
      const tables = (Object.entries(tableIds) as Array<[TableName, string]>).filter(([, id]) => resources.includes(`<${id}.Arn>`)).map(([t]) => t);
      expect([name, resources, tables.length]).toEqual([name, resources, 1]); // every statement names one table
      for (const a of dynamo) (perTable[tables[0]] ??= new Set()).add(a.replace('dynamodb:', ''));
    }
    out[name] = Object.fromEntries(Object.entries(perTable).map(([t, s]) => [t, [...s].sort()]));
  }
  return out;
}

describe('table actions per function', () => {
  it('are exactly TABLE_ACCESS: no Scan, BatchWriteItem or DeleteItem on Streams, nothing unused', () => {
    const expected = Object.fromEntries(
      Object.entries(TABLE_ACCESS).map(([fn, access]) => [fn, Object.fromEntries(Object.entries(access).map(([t, a]) => [t, [...a!].sort()]))]),
    );
    expect(allowed()).toEqual(expected);
  });

  it('TABLE_ACCESS itself: Streams is never scanned, batch-written or deleted from; Scan only where a repository scans', () => {
    for (const [fn, access] of Object.entries(TABLE_ACCESS)) {
      expect([fn, (access.streams ?? []).filter((a) => a === 'Scan' || a === 'DeleteItem')]).toEqual([fn, []]);
      const scans = Object.entries(access).filter(([, a]) => a!.includes('Scan')).map(([t]) => t);
      expect([fn, scans]).toEqual([fn, fn === 'sweeper' ? ['connections'] : fn === 'control' ? ['games'] : []]);
    }
  });

  it('only control, the HTTP routes (POST /streams) and the sweeper may start executions; the tick stops its own; disconnect none', () => {
    const states: Record<string, string[]> = {};
    for (const [, fn] of functions) {
      const name = /lambda\/handlers\/(.+)\.ts$/.exec(fn.Metadata['matchcast:entry'])![1];
      const role = fn.Properties.Role['Fn::GetAtt'][0] as string;
      const acts = policyStatements(json)
        .filter((x) => JSON.stringify(x.roles).includes(`"${role}"`))
        .flatMap((x) => actionsOf(x.statement).filter((a) => a.startsWith('states:')));
      if (acts.length) states[name] = [...new Set(acts)].sort();
    }
    expect(states).toEqual({
      control: ['states:DescribeExecution', 'states:StartExecution', 'states:StopExecution'],
      'http-api': ['states:DescribeExecution', 'states:StartExecution', 'states:StopExecution'],
      sweeper: ['states:DescribeExecution', 'states:StartExecution', 'states:StopExecution'],
      tick: ['states:DescribeExecution', 'states:StopExecution'],
    });
  });
});
