/**
 * The replication engine over DynamoDB Local: one database per region (DynamoDB Local keeps one
 * per access key and region), replicated the way global tables replicate (see ./engine.ts).
 *
 * It reads each region's DynamoDB stream; a record it did not cause itself is a local write,
 * stamped with the engine's true time when seen (stream timestamps there are whole seconds, so
 * order comes from the engine's own sequence) and queued for every other region. A delivery is
 * applied only if it is newer than what the target holds (last writer wins), with a condition that
 * the target's item is still the image the engine last saw there, so a local write the engine has
 * not read yet is never overwritten: the engine reads the target's stream again and decides anew.
 * Its own applied writes come back in the target's stream; they are passed to stream consumers as
 * replicated changes and never sent on again. DynamoDB Local has no TTL process: `expireTtl` is.
 *
 * Limits, stated: equality conditions compare the attributes the engine last saw, so a local
 * write that only adds an attribute in the instant between the engine's stream read and its put
 * could be overwritten; MRSC is not modelled here (the in-memory table models it).
 */
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  deleteIfExpiring,
  sameImageCondition,
  scanItems,
  stableJson,
  writeImage,
} from './dynamo-local-items';
import { imageOf, LocalStreamReader, type StreamsRecord } from './dynamo-local-stream';
import {
  compareVersions,
  itemIdOf,
  ReplicationEngine,
  WALL_CLOCK,
  type DelayFn,
  type Delivery,
  type DeliveryFilter,
  type Item,
  type ItemKey,
  type MutationCause,
  type TrueClock,
  type Version,
} from './engine';
import { ReplicatedStore } from './replicated-store';
import { ReplicaStream } from './stream';

export interface DynamoLocalReplicatorOptions {
  readonly regions: readonly string[];
  readonly tableName: string;
  /** A client of `region`'s database. */
  readonly client: (region: string) => DynamoDBClient;
  /** A DynamoDB Streams client of `region`'s database. */
  readonly streams: (region: string) => DynamoDBStreamsClient;
  /** @default WALL_CLOCK */
  readonly clock?: TrueClock;
  /** @default - none */
  readonly delay?: DelayFn;
}

interface Known {
  readonly version: Version;
  /** The item as the engine last saw it in that region (`undefined`: absent). */
  readonly image: Item | undefined;
}

interface Echo {
  readonly signature: string;
  readonly origin: string;
}

/** Replicates the regions of one table in DynamoDB Local. */
export class DynamoLocalReplicator extends ReplicatedStore {
  private readonly known = new Map<string, Map<string, Known>>();
  /** Writes the engine made in a region and has not yet seen in its stream: id -> images. */
  private readonly echoes = new Map<string, Map<string, Echo[]>>();
  /** TTL deletes the engine made, to mark them as such when they come back. */
  private readonly ttlDeletes = new Map<string, Set<string>>();
  private readonly readers = new Map<string, LocalStreamReader>();
  private readonly replicaStreams = new Map<string, ReplicaStream>();
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DynamoLocalReplicatorOptions) {
    super(
      new ReplicationEngine({
        regions: options.regions,
        clock: options.clock ?? WALL_CLOCK,
        ...(options.delay ? { delay: options.delay } : {}),
      }),
    );
    for (const region of options.regions) {
      this.known.set(region, new Map());
      this.echoes.set(region, new Map());
      this.ttlDeletes.set(region, new Set());
      this.replicaStreams.set(region, new ReplicaStream());
    }
  }

  /** Finds each region's stream; call once, after the tables exist and before any write. */
  async start(): Promise<void> {
    for (const region of this.regions) {
      const table = await this.options
        .client(region)
        .send(new DescribeTableCommand({ TableName: this.options.tableName }));
      const arn = table.Table?.LatestStreamArn;
      if (arn === undefined) {
        throw new Error(
          `table ${this.options.tableName} in ${region} has no stream; create it with StreamSpecification NEW_AND_OLD_IMAGES`,
        );
      }
      this.readers.set(region, new LocalStreamReader(this.options.streams(region), arn));
    }
  }

  /** `region`'s change stream as consumers see it (local and replicated writes). */
  stream(region: string): ReplicaStream {
    return this.replicaStreams.get(region) as ReplicaStream;
  }

  /** Reads every region's stream: local writes are stamped and queued. Returns records read. */
  poll(): Promise<number> {
    return this.exclusive(async () => {
      let read = 0;
      for (const region of this.regions) read += await this.pollRegion(region);
      return read;
    });
  }

  /** Reads, then applies every matching deliverable mutation (due or not). Returns applied. */
  deliver(filter: DeliveryFilter = {}): Promise<number> {
    return this.exclusive(async () => {
      for (const region of this.regions) await this.pollRegion(region);
      return this.applyAll(this.engine.take(filter));
    });
  }

  /** Reads, then applies the deliveries due by the true clock (the sandbox's pump). */
  deliverDue(): Promise<number> {
    return this.exclusive(async () => {
      for (const region of this.regions) await this.pollRegion(region);
      return this.applyAll(this.engine.take({}, { dueOnly: true }));
    });
  }

  /** Heals every link, resumes every region, and delivers until every replica has everything. */
  async settle(): Promise<number> {
    this.engine.heal();
    this.engine.resume();
    let applied = 0;
    for (let round = 0; round < 1_000; round += 1) {
      applied += await this.deliver();
      const read = await this.poll();
      if (this.engine.backlog === 0 && read === 0) return applied;
    }
    throw new Error(`replication did not settle: ${this.engine.backlog} deliveries left`);
  }

  /**
   * The TTL process DynamoDB Local lacks: deletes items of `region` (or every region) whose
   * `expiresAt` has passed by the true clock; the deletes replicate like any other.
   */
  expireTtl(region?: string, attribute = 'expiresAt'): Promise<number> {
    return this.exclusive(async () => {
      const nowSeconds = Math.floor(this.engine.clock.now() / 1000);
      let expired = 0;
      for (const target of region === undefined ? this.regions : [region]) {
        for (const item of await this.scan(target)) {
          const at = item[attribute];
          if (typeof at !== 'number' || at > nowSeconds) continue;
          const key = { pk: String(item.pk), sk: String(item.sk) };
          try {
            (this.ttlDeletes.get(target) as Set<string>).add(itemIdOf(key));
            await deleteIfExpiring(this.options.client(target), this.options.tableName, key, {
              attribute,
              at,
            });
            expired += 1;
          } catch (error) {
            (this.ttlDeletes.get(target) as Set<string>).delete(itemIdOf(key));
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        }
        await this.pollRegion(target);
      }
      return expired;
    });
  }

  /** Every item of a region, sorted by key, as one string (for equality checks). */
  async snapshot(region: string): Promise<string> {
    const items = await this.scan(region);
    return JSON.stringify(
      items
        .map((item) => [itemIdOf({ pk: String(item.pk), sk: String(item.sk) }), stableJson(item)])
        .sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1))
        .map(([, json]) => json),
    );
  }

  /** Every item of a region. */
  scan(region: string): Promise<Item[]> {
    return scanItems(this.options.client(region), this.options.tableName);
  }

  // ---- internals

  /** Runs one operation at a time (polls and applies must not interleave). */
  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.busy.then(run, run);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /** Reads `region`'s new stream records; returns how many. */
  private async pollRegion(region: string): Promise<number> {
    const reader = this.readers.get(region);
    if (reader === undefined) throw new Error('call start() before replicating');
    const records = await reader.read();
    for (const record of records) this.observe(region, record);
    return records.length;
  }

  /** One record of `region`'s stream: an echo of the engine's own write, or a local write. */
  private observe(region: string, record: StreamsRecord): void {
    const data = record.dynamodb ?? {};
    const key = unmarshall(data.Keys ?? {}) as ItemKey;
    const id = itemIdOf(key);
    const image =
      record.eventName === 'REMOVE' || data.NewImage === undefined
        ? undefined
        : imageOf(data.NewImage);
    const oldImage = data.OldImage === undefined ? undefined : imageOf(data.OldImage);
    const signature = image === undefined ? 'REMOVE' : stableJson(image);
    const pending = (this.echoes.get(region) as Map<string, Echo[]>).get(id);
    const echoIndex = pending?.findIndex((echo) => echo.signature === signature) ?? -1;
    const known = this.known.get(region) as Map<string, Known>;
    let origin = region;
    let replicated = false;
    if (pending !== undefined && echoIndex >= 0) {
      origin = (pending.splice(echoIndex, 1)[0] as Echo).origin;
      replicated = true;
    } else {
      const ttl = (this.ttlDeletes.get(region) as Set<string>).delete(id) && image === undefined;
      const cause: MutationCause = ttl ? 'ttl' : image === undefined ? 'delete' : 'write';
      const version = this.engine.nextVersion(region);
      known.set(id, { version, image });
      this.engine.send({ key, image, version, cause });
    }
    const creationMs = this.engine.clock.now();
    this.stream(region).append({
      key,
      oldImage,
      newImage: image,
      creationMs,
      origin,
      replicated,
      ttl: record.userIdentity?.PrincipalId === 'dynamodb.amazonaws.com',
    });
  }

  private async applyAll(deliveries: readonly Delivery[]): Promise<number> {
    let applied = 0;
    const retry: Delivery[] = [];
    for (const delivery of deliveries) {
      const outcome = await this.apply(delivery);
      if (outcome === 'applied') applied += 1;
      if (outcome === 'retry') retry.push(delivery);
    }
    this.engine.requeue(retry);
    return applied;
  }

  /** Applies one delivery if it is newer than what the target holds. */
  private async apply(delivery: Delivery): Promise<'applied' | 'older' | 'retry'> {
    const { mutation, to } = delivery;
    const id = itemIdOf(mutation.key);
    const known = this.known.get(to) as Map<string, Known>;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = known.get(id);
      if (current !== undefined && compareVersions(mutation.version, current.version) <= 0) {
        return 'older';
      }
      if (mutation.image === undefined && current?.image === undefined) {
        known.set(id, { version: mutation.version, image: undefined });
        return 'applied';
      }
      const condition = sameImageCondition(current?.image);
      const echoes = this.echoes.get(to) as Map<string, Echo[]>;
      const echo: Echo = {
        signature: mutation.image === undefined ? 'REMOVE' : stableJson(mutation.image),
        origin: mutation.version.origin,
      };
      const list = echoes.get(id) ?? [];
      echoes.set(id, list);
      list.push(echo);
      try {
        await writeImage(
          this.options.client(to),
          this.options.tableName,
          mutation.key,
          mutation.image,
          condition,
        );
        known.set(id, { version: mutation.version, image: mutation.image });
        return 'applied';
      } catch (error) {
        list.splice(list.lastIndexOf(echo), 1);
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The target changed since the engine last read it: read its stream, decide again.
        await this.pollRegion(to);
      }
    }
    return 'retry';
  }
}
