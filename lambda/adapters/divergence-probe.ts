import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EntityCopies, ItemVersion } from '../app/divergence';
import { heartbeatKey } from '../contract/naming';
import { parseHlc } from '../domain/hlc';
import { objectPartitionKey, type ObjectKey } from '../domain/storage-layout';

/** Reads the versions of the probe's entities from one replica. */
export class ReplicaVersions {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The heartbeat of `origin` as this replica holds it (the built-in canary). */
  async heartbeat(origin: string): Promise<ItemVersion[]> {
    const key = heartbeatKey(origin);
    const output = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const sentAtMs = output.Item?.sentAtMs;
    const sinceMs = output.Item?.sinceMs;
    if (typeof sentAtMs !== 'number') return [];
    return [
      {
        key: `${key.pk}|${key.sk}`,
        version: sentAtMs,
        writtenAtMs: sentAtMs,
        periodic: true,
        ...(typeof sinceMs === 'number' ? { seriesStartMs: sinceMs } : {}),
      },
    ];
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

/** What the probe reads from one replica (ReplicaVersions; fakes in tests). */
export type ReplicaVersionReader = Pick<ReplicaVersions, 'heartbeat' | 'slots'>;

/** What the probe compares: the heartbeats of every other region and the critical entities. */
export async function collectCopies(options: {
  readonly region: string;
  readonly regions: readonly string[];
  readonly replica: (region: string) => ReplicaVersionReader;
  readonly criticalEntities: readonly ObjectKey[];
  readonly onRemoteError: (region: string, error: unknown) => void;
}): Promise<EntityCopies[]> {
  const local = options.replica(options.region);
  // Each local copy is read once and compared with every remote region.
  const localReads = new Map<string, Promise<ItemVersion[]>>();
  const once = (id: string, read: () => Promise<ItemVersion[]>) => {
    let pending = localReads.get(id);
    if (pending === undefined) {
      pending = read();
      pending.catch(() => undefined); // handled where it is awaited
      localReads.set(id, pending);
    }
    return pending;
  };
  const localSlots = (key: ObjectKey) => once(objectPartitionKey(key), () => local.slots(key));
  const copies: EntityCopies[] = [];
  for (const remoteRegion of options.regions.filter((region) => region !== options.region)) {
    const remote = options.replica(remoteRegion);
    try {
      copies.push({
        entity: `heartbeat ${remoteRegion}`,
        remoteRegion,
        local: await once(`heartbeat ${remoteRegion}`, () => local.heartbeat(remoteRegion)),
        remote: await remote.heartbeat(remoteRegion),
      });
      for (const key of options.criticalEntities) {
        copies.push({
          entity: `${key.tenantId}/${key.type}/${key.objectId}`,
          remoteRegion,
          local: await localSlots(key),
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
