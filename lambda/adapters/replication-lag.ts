/**
 * The control items of replication measurement, in one place: each region's heartbeat (written by
 * that region every minute) and the lag each region's conflict feed measured from every other
 * region (written by that region only). Keys come from lambda/contract/naming.ts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ReplicationLagSource } from '../app/service';
import {
  CONTROL_PARTITION,
  heartbeatKey,
  lagKey,
  lagPrefix,
  TTL_ATTRIBUTE,
} from '../contract/naming';

/** Measurements older than this are not trusted for a staleness estimate. */
const LAG_MAX_AGE_MS = 3 * 60 * 1000;

/** Control items expire after an hour: a region that stops writing them leaves nothing stale. */
const CONTROL_ITEM_TTL_SECONDS = 3600;

/**
 * Reads the replication lag this region's conflict feed measured from every other region
 * (`lagKey(region, origin)`), cached for `cacheMs` per container.
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
  const prefix = lagPrefix(options.region);
  let cached: { at: number; lag: Record<string, number> } | undefined;
  return async () => {
    const now = options.now();
    if (cached !== undefined && now - cached.at < cacheMs) return cached.lag;
    const output = await documents.send(
      new QueryCommand({
        TableName: options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': CONTROL_PARTITION, ':prefix': prefix },
      }),
    );
    const lag: Record<string, number> = {};
    for (const item of output.Items ?? []) {
      const origin = String(item.sk).slice(prefix.length);
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
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly region: string;
  readonly nowMs: number;
}): Promise<void> {
  // The series' start travels with every heartbeat (a PutItem replaces the item), so a replica that
  // never received one knows how long it has been missing it (the divergence probe).
  const previous = await options.documents.send(
    new GetCommand({
      TableName: options.tableName,
      Key: heartbeatKey(options.region),
      ConsistentRead: true,
    }),
  );
  const sinceMs =
    typeof previous.Item?.sinceMs === 'number' ? previous.Item.sinceMs : options.nowMs;
  await options.documents.send(
    new PutCommand({
      TableName: options.tableName,
      Item: {
        ...heartbeatKey(options.region),
        writer: options.region,
        sentAtMs: options.nowMs,
        sinceMs,
        [TTL_ATTRIBUTE]: Math.floor(options.nowMs / 1000) + CONTROL_ITEM_TTL_SECONDS,
      },
    }),
  );
}

/** Records the lag `region` measured from `origin` (read back by `dynamoReplicationLag`). */
export async function writeLag(options: {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly region: string;
  readonly origin: string;
  readonly lagMs: number;
  readonly measuredAtMs: number;
}): Promise<void> {
  await options.documents.send(
    new PutCommand({
      TableName: options.tableName,
      Item: {
        ...lagKey(options.region, options.origin),
        lagMs: options.lagMs,
        measuredAtMs: options.measuredAtMs,
        [TTL_ATTRIBUTE]: Math.floor(options.measuredAtMs / 1000) + CONTROL_ITEM_TTL_SECONDS,
      },
    }),
  );
}
