import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EntityCopies, ItemVersion } from '../app/divergence';
import { parseHlc } from '../domain/hlc';
import { objectPartitionKey, type ObjectKey } from '../domain/storage-layout';

/** Reads the versions of the probe's entities from one replica. */
export class ReplicaVersions {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  /** The heartbeat of `origin` as this replica holds it (the built-in canary). */
  async heartbeat(origin: string): Promise<ItemVersion[]> {
    const output = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: '__control__', sk: `heartbeat#${origin}` },
        ConsistentRead: true,
      }),
    );
    const sentAtMs = output.Item?.sentAtMs;
    return typeof sentAtMs === 'number'
      ? [
          {
            key: `__control__|heartbeat#${origin}`,
            version: sentAtMs,
            writtenAtMs: sentAtMs,
            periodic: true,
          },
        ]
      : [];
  }

  /** Every slot of an object as this replica holds it. */
  async slots(key: ObjectKey): Promise<ItemVersion[]> {
    const pk = objectPartitionKey(key);
    const output = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :slot)',
        ExpressionAttributeValues: { ':pk': pk, ':slot': 'S#' },
        ConsistentRead: true,
      }),
    );
    return (output.Items ?? []).map((item) => ({
      key: `${pk}|${String(item.sk)}`,
      version: Number(item.rev),
      writtenAtMs: parseHlc(item.hlc).wallMs,
    }));
  }
}

/** What the probe compares: the heartbeats of every other region and the critical entities. */
export async function collectCopies(options: {
  readonly region: string;
  readonly regions: readonly string[];
  readonly replica: (region: string) => ReplicaVersions;
  readonly criticalEntities: readonly ObjectKey[];
  readonly onRemoteError: (region: string, error: unknown) => void;
}): Promise<EntityCopies[]> {
  const local = options.replica(options.region);
  const copies: EntityCopies[] = [];
  for (const remoteRegion of options.regions.filter((region) => region !== options.region)) {
    const remote = options.replica(remoteRegion);
    try {
      copies.push({
        entity: `heartbeat ${remoteRegion}`,
        remoteRegion,
        local: await local.heartbeat(remoteRegion),
        remote: await remote.heartbeat(remoteRegion),
      });
      for (const key of options.criticalEntities) {
        copies.push({
          entity: `${key.tenantId}/${key.type}/${key.objectId}`,
          remoteRegion,
          local: await local.slots(key),
          remote: await remote.slots(key),
        });
      }
    } catch (error) {
      // An unreachable region is an outage (health checks and lag show it), not divergence.
      options.onRemoteError(remoteRegion, error);
    }
  }
  return copies;
}
