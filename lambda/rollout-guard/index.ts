/**
 * Lambda entry of `Custom::RolloutGuard`: the handler wired to real adapters. Kept apart from
 * `handler.ts` so tests build the handler with fakes and never load the AWS SDK.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { consoleLog } from '../adapters/console-log';
import { putResponse } from '../custom-resources/put-response';
import { makeHandler } from './handler';

export { putResponse } from '../custom-resources/put-response';

const cloudformation = new CloudFormationClient({});
const dynamodb = new DynamoDBClient({});

export const handler = makeHandler({
  respond: putResponse,
  async stackStatus(stackId) {
    const result = await cloudformation.send(new DescribeStacksCommand({ StackName: stackId }));
    return result.Stacks?.[0]?.StackStatus;
  },
  async stackExists(region, stackName) {
    try {
      const client = new CloudFormationClient({ region });
      const result = await client.send(new DescribeStacksCommand({ StackName: stackName }));
      return (result.Stacks ?? []).some((stack) => stack.StackStatus !== 'DELETE_COMPLETE');
    } catch (error) {
      // CloudFormation answers a ValidationError "Stack with id ... does not exist"
      if (error instanceof Error && /does not exist/.test(error.message)) return false;
      throw error;
    }
  },
  async tableExists(tableName) {
    try {
      await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
      return true;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return false;
      throw error;
    }
  },
  log: (level, message, fields) => consoleLog[level](message, fields),
});
