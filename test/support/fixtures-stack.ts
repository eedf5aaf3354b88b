/** CloudFormation answers for tests of the CLIs that find a deployed stack by its outputs. */
import type { DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';

/**
 * DescribeStacks' answer for one stack `stackName` in `CREATE_COMPLETE` whose outputs are
 * `outputs` (OutputKey → OutputValue, in that order), as `aws-sdk-client-mock`'s
 * `.resolves()` takes it.
 */
export function describedStack(stackName: string, outputs: Record<string, string> = {}): Partial<DescribeStacksCommandOutput> {
  return {
    Stacks: [
      {
        StackName: stackName,
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}
