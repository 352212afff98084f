/**
 * Items of one region's table in DynamoDB Local as the replicator (./dynamo-local.ts) reads,
 * writes and compares them: a consistent scan, conditional writes (the item is still exactly what
 * the engine last saw; a TTL attribute still has the expired value), and one string per item so
 * equal items compare equal.
 */
import {
  DeleteItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Item, ItemKey } from './engine';

/** Every item of a table (consistent reads, every page). */
export async function scanItems(client: DynamoDBClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []).map((raw) => unmarshall(raw)));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** Puts `image` (or deletes the item, for `undefined`) if `condition` holds. */
export async function writeImage(
  client: DynamoDBClient,
  tableName: string,
  key: ItemKey,
  image: Item | undefined,
  condition: ReturnType<typeof sameImageCondition>,
): Promise<void> {
  if (image === undefined) {
    await client.send(
      new DeleteItemCommand({ TableName: tableName, Key: marshall(key), ...condition }),
    );
    return;
  }
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: marshall(image, { removeUndefinedValues: true }),
      ...condition,
    }),
  );
}

/** Deletes an item whose TTL `attribute` still holds `at` (the TTL process's delete). */
export async function deleteIfExpiring(
  client: DynamoDBClient,
  tableName: string,
  key: ItemKey,
  ttl: { readonly attribute: string; readonly at: number },
): Promise<void> {
  await client.send(
    new DeleteItemCommand({
      TableName: tableName,
      Key: marshall(key),
      ConditionExpression: '#ttl = :at',
      ExpressionAttributeNames: { '#ttl': ttl.attribute },
      ExpressionAttributeValues: { ':at': { N: String(ttl.at) } },
    }),
  );
}

/** A condition that the item is exactly `image` (every attribute), or absent. */
export function sameImageCondition(image: Item | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} {
  if (image === undefined) return { ConditionExpression: 'attribute_not_exists(pk)' };
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const marshalled = marshall(image, { removeUndefinedValues: true });
  const terms = Object.keys(marshalled).map((attribute, index) => {
    names[`#a${index}`] = attribute;
    values[`:v${index}`] = marshalled[attribute] as AttributeValue;
    return `#a${index} = :v${index}`;
  });
  return {
    ConditionExpression: terms.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** JSON with object keys sorted, so equal items give equal strings. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value instanceof Set) return stableJson([...value].sort());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, nested]) => nested !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, nested]) => `${JSON.stringify(name)}:${stableJson(nested)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
