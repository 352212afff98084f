/**
 * Reading one region's DynamoDB stream in DynamoDB Local, for the replicator (./dynamo-local.ts):
 * every shard from its start, each record once, and the stream images as plain items.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamsRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Item } from './engine';

export type { _Record as StreamsRecord } from '@aws-sdk/client-dynamodb-streams';

interface Shard {
  readonly shardId: string;
  iterator: string | undefined;
  done: boolean;
}

/** The records of one stream not read yet, shard by shard (new shards are found on each read). */
export class LocalStreamReader {
  private readonly shards: Shard[] = [];

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
  ) {}

  /** Every record written since the last read. */
  async read(): Promise<StreamsRecord[]> {
    const described = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: this.streamArn }),
    );
    for (const shard of described.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (shardId === undefined || this.shards.some((known) => known.shardId === shardId)) continue;
      const iterator = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      this.shards.push({ shardId, iterator: iterator.ShardIterator, done: false });
    }
    const records: StreamsRecord[] = [];
    for (const shard of this.shards) {
      while (!shard.done && shard.iterator !== undefined) {
        const page = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: shard.iterator }),
        );
        const pageRecords = page.Records ?? [];
        records.push(...pageRecords);
        if (page.NextShardIterator === undefined || page.NextShardIterator === null) {
          shard.done = true;
        }
        shard.iterator = page.NextShardIterator ?? undefined;
        if (pageRecords.length === 0) break;
      }
    }
    return records;
  }
}

/**
 * A stream image as a plain item. The DynamoDB Streams client reads an empty map (`{"M": {}}`) as
 * an attribute value with no type at all (`{}`); it can only have been an empty map.
 */
export function imageOf(raw: Record<string, unknown>): Item {
  const repair = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const attribute = value as Record<string, unknown>;
    if (Object.keys(attribute).length === 0) return { M: {} };
    if (attribute.M !== undefined) return { M: repairMap(attribute.M as Record<string, unknown>) };
    if (Array.isArray(attribute.L)) return { L: attribute.L.map(repair) };
    return attribute;
  };
  const repairMap = (map: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(map).map(([name, value]) => [name, repair(value)]));
  return unmarshall(repairMap(raw) as Record<string, AttributeValue>) as Item;
}
