import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ReplicationLagSource } from '../app/service';

/** Measurements older than this are not trusted for a staleness estimate. */
export const LAG_MAX_AGE_MS = 3 * 60 * 1000;

/**
 * Reads the replication lag this region's conflict feed measured from every other region
 * (`__control__` / `lag#<region>#<origin>`), cached for `cacheMs` per container.
 */
export function dynamoReplicationLag(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly region: string;
  readonly now: () => number;
  readonly cacheMs?: number;
}): ReplicationLagSource {
  const documents = DynamoDBDocumentClient.from(options.client);
  const cacheMs = options.cacheMs ?? 10_000;
  let cached: { at: number; lag: Record<string, number> } | undefined;
  return async () => {
    const now = options.now();
    if (cached !== undefined && now - cached.at < cacheMs) return cached.lag;
    const output = await documents.send(
      new QueryCommand({
        TableName: options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': '__control__', ':prefix': `lag#${options.region}#` },
      }),
    );
    const lag: Record<string, number> = {};
    for (const item of output.Items ?? []) {
      const origin = String(item.sk).slice(`lag#${options.region}#`.length);
      if (
        typeof item.lagMs === 'number' &&
        typeof item.measuredAtMs === 'number' &&
        now - item.measuredAtMs <= LAG_MAX_AGE_MS
      ) {
        lag[origin] = item.lagMs;
      }
    }
    cached = { at: now, lag };
    return lag;
  };
}

/** Writes this region's heartbeat; other regions measure its age when it arrives. */
export async function writeHeartbeat(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly region: string;
  readonly nowMs: number;
}): Promise<void> {
  await DynamoDBDocumentClient.from(options.client).send(
    new PutCommand({
      TableName: options.tableName,
      Item: {
        pk: '__control__',
        sk: `heartbeat#${options.region}`,
        writer: options.region,
        sentAtMs: options.nowMs,
        expiresAt: Math.floor(options.nowMs / 1000) + 3600,
      },
    }),
  );
}
