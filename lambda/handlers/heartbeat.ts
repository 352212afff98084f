/**
 * Replication heartbeat, run every minute by a schedule in each region: writes this region's
 * heartbeat item; every other region's conflict feed measures its age on arrival (the true lag of
 * that region pair, which DynamoDB's average ReplicationLatency does not give).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { writeHeartbeat } from '../adapters/replication-lag';

let client: DynamoDBClient | undefined;

export const handler = async (): Promise<{ region: string; sentAtMs: number }> => {
  const region = process.env.AWS_REGION;
  const tableName = process.env.TABLE_NAME;
  if (region === undefined || tableName === undefined) {
    throw new Error('AWS_REGION and TABLE_NAME must be set; redeploy the stack');
  }
  client ??= new DynamoDBClient({ region });
  const sentAtMs = Date.now();
  await writeHeartbeat({ client, tableName, region, nowMs: sentAtMs });
  return { region, sentAtMs };
};
