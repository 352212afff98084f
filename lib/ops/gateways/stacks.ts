import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';

/**
 * CloudFormation as aactl sees it: one stack's status and outputs. The deployed rollout phase is
 * an output of the data stack; a region stack whose status ends in `_IN_PROGRESS` is being
 * deployed, and a deploy resets what a drill changed on its health check.
 */

/** A stack as read back. */
export interface StackState {
  /** e.g. `UPDATE_COMPLETE`, `UPDATE_IN_PROGRESS`. */
  readonly status: string;
  /** OutputKey to OutputValue. */
  readonly outputs: Readonly<Record<string, string>>;
}

/** Reads stacks. */
export interface StacksGateway {
  /** The stack, or `undefined` when it does not exist. */
  describeStack(region: string, stackName: string): Promise<StackState | undefined>;
}

/** Whether a stack status means a deploy (create, update, rollback, delete) is running. */
export function stackBusy(status: string): boolean {
  return status.endsWith('_IN_PROGRESS');
}

/** Build the gateway from a per-region client factory. */
export function createStacksGateway(
  clientFor: (region: string) => CloudFormationClient,
): StacksGateway {
  return {
    async describeStack(region, stackName) {
      try {
        const result = await clientFor(region).send(
          new DescribeStacksCommand({ StackName: stackName }),
        );
        const stack = result.Stacks?.[0];
        if (stack === undefined) return undefined;
        return {
          status: stack.StackStatus ?? 'UNKNOWN',
          outputs: Object.fromEntries(
            (stack.Outputs ?? []).flatMap((output) =>
              output.OutputKey !== undefined && output.OutputValue !== undefined
                ? [[output.OutputKey, output.OutputValue]]
                : [],
            ),
          ),
        };
      } catch (error) {
        if (isMissingStack(error)) return undefined;
        throw error;
      }
    },
  };
}

/** CloudFormation answers a missing stack with a ValidationError naming it. */
export function isMissingStack(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'ValidationError' || error.name === 'ValidationException') &&
    /does not exist/.test(error.message)
  );
}
