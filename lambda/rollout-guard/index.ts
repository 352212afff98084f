/**
 * Lambda entry of `Custom::RolloutGuard`: the handler wired to real adapters. Kept apart from
 * `handler.ts` so tests build the handler with fakes and never load the AWS SDK.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { putResponse } from '../custom-resources/put-response';
import { makeHandler } from './handler';

export { putResponse } from '../custom-resources/put-response';

const cloudformation = new CloudFormationClient({});

export const handler = makeHandler({
  respond: putResponse,
  async stackStatus(stackId) {
    const result = await cloudformation.send(new DescribeStacksCommand({ StackName: stackId }));
    return result.Stacks?.[0]?.StackStatus;
  },
  log(level, message, fields = {}) {
    console.log(JSON.stringify({ level, message, ...fields }));
  },
});
