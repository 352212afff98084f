/**
 * What the heartbeat probe reads besides heartbeats: the critical entities to compare across
 * replicas (an item the data stack writes, since a list from config does not fit a Lambda's 4 KB
 * environment) and the open reconciliation cases (the sparse open-cases index).
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OPEN_CASES_PARTITION } from '../app/cursor';
import { CRITICAL_ENTITIES_ATTRIBUTE, OBSERVABILITY_CONFIG_KEY } from '../contract/naming';
import type { DataType } from '../domain/catalog';
import type { ObjectKey } from '../domain/storage-layout';
import { OPEN_CASES_INDEX } from './dynamo-replica';

/**
 * The critical entities from the observability config item of the local replica, or undefined
 * when the item is missing (the data stack writes it; a new replica receives it by replication).
 */
export async function readCriticalEntities(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<ObjectKey[] | undefined> {
  const output = await documents.send(
    new GetCommand({ TableName: tableName, Key: OBSERVABILITY_CONFIG_KEY }),
  );
  const raw = output.Item?.[CRITICAL_ENTITIES_ATTRIBUTE];
  if (typeof raw !== 'string') return undefined;
  const parsed = JSON.parse(raw) as Array<{ tenant: string; type: DataType; id: string }>;
  return parsed.map((entity) => ({
    tenantId: entity.tenant,
    type: entity.type,
    objectId: entity.id,
  }));
}

/** How many reconciliation cases are open, and how old the oldest is (0 when none). */
export async function openCaseStats(
  documents: DynamoDBDocumentClient,
  tableName: string,
  nowMs: number,
): Promise<{ readonly open: number; readonly oldestAgeSeconds: number }> {
  const query = {
    TableName: tableName,
    IndexName: OPEN_CASES_INDEX,
    KeyConditionExpression: 'gsi1pk = :open',
    ExpressionAttributeValues: { ':open': OPEN_CASES_PARTITION },
  };
  // the index sort key starts with the opening time, so the first item is the oldest case
  const oldest = await documents.send(
    new QueryCommand({ ...query, Limit: 1, ProjectionExpression: 'openedAtMs' }),
  );
  const openedAtMs = Number(oldest.Items?.[0]?.openedAtMs);
  let open = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        ...query,
        Select: 'COUNT',
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    open += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return {
    open,
    oldestAgeSeconds:
      open > 0 && Number.isFinite(openedAtMs)
        ? Math.max(0, Math.floor((nowMs - openedAtMs) / 1000))
        : 0,
  };
}
