/**
 * A global table in memory: one replica per region, replicated by the engine exactly as DynamoDB
 * global tables replicate (see ./engine.ts). The in-memory adapters (lambda/adapters/memory-*.ts)
 * read and write one region's replica through it; conditions and transactions see that replica
 * only. Items are frozen when stored, so nothing can change a replica behind its back.
 */
import {
  compareVersions,
  itemIdOf,
  keyOf,
  ReplicationEngine,
  type DelayFn,
  type Delivery,
  type DeliveryFilter,
  type Item,
  type ItemKey,
  type Mutation,
  type MutationCause,
  type TrueClock,
  type Version,
} from './engine';
import { ReplicaStream, type StreamRecord } from './stream';

/** How the table replicates. */
export type ReplicationMode =
  /** Multi-Region eventual consistency: asynchronous, per item, last writer wins. */
  | 'eventual'
  /**
   * Multi-Region strong consistency (MRSC): a write is acknowledged once it is in every replica
   * that a majority can reach, and transactions are refused, as DynamoDB does.
   */
  | 'strong';

/** A sparse secondary index kept on two attributes (e.g. `gsi1pk` / `gsi1sk`). */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** Table settings. */
export interface MemoryGlobalTableOptions {
  readonly regions: readonly string[];
  /** The true clock. @default - a VirtualClock */
  readonly clock?: TrueClock;
  /** Replication delay per mutation and target. @default - none */
  readonly delay?: DelayFn;
  /** @default 'eventual' */
  readonly mode?: ReplicationMode;
  /** Sparse indexes to maintain. @default - none */
  readonly indexes?: readonly IndexDefinition[];
}

/** A condition on an item's current state in the local replica (`undefined`: no such item). */
export type Condition = (current: Item | undefined) => boolean;

/** One part of a transaction. */
export type TransactionPart =
  | { readonly kind: 'check'; readonly key: ItemKey; readonly condition: Condition }
  | { readonly kind: 'put'; readonly item: Item; readonly condition?: Condition }
  | { readonly kind: 'delete'; readonly key: ItemKey; readonly condition?: Condition };

/** A call that cannot reach a region's replica (the adapters throw it for isolated regions). */
export class ReplicaUnreachableError extends Error {
  override readonly name = 'NetworkingError';
}

/** A request a table cannot serve in its mode (transactions on MRSC, an isolated MRSC write). */
export class ReplicationRefusedError extends Error {
  constructor(
    message: string,
    readonly code: 'ValidationException' | 'ReplicatedWriteConflictException',
  ) {
    super(message);
    this.name = code;
  }
}

interface Entry {
  /** The item, or `undefined` for a delete that is still remembered (a tombstone). */
  readonly item: Item | undefined;
  readonly version: Version;
}

class Replica {
  readonly partitions = new Map<string, Map<string, Entry>>();
  readonly indexes = new Map<string, Map<string, Map<string, Item>>>();
  readonly stream = new ReplicaStream();

  entry(key: ItemKey): Entry | undefined {
    return this.partitions.get(key.pk)?.get(key.sk);
  }
}

/** Every region's replica of one global table, and the engine between them. */
export class MemoryGlobalTable {
  readonly engine: ReplicationEngine;
  readonly mode: ReplicationMode;
  /** Regions whose replica fails every call from the API (an isolated region). */
  readonly unreachable = new Set<string>();
  private readonly replicas = new Map<string, Replica>();
  private readonly indexDefinitions: readonly IndexDefinition[];
  private localWrites = 0;

  constructor(options: MemoryGlobalTableOptions) {
    this.engine = new ReplicationEngine({
      regions: options.regions,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.delay ? { delay: options.delay } : {}),
    });
    this.mode = options.mode ?? 'eventual';
    this.indexDefinitions = options.indexes ?? [];
    for (const region of options.regions) this.replicas.set(region, new Replica());
  }

  get regions(): readonly string[] {
    return this.engine.regions;
  }

  get clock(): TrueClock {
    return this.engine.clock;
  }

  /** Throws the error an SDK call to an isolated region's replica would. */
  assertReachable(region: string): void {
    if (this.unreachable.has(region)) {
      throw new ReplicaUnreachableError(`replica ${region} is unreachable`);
    }
  }

  // ---- reads (the local replica only)

  /** One item of `region`'s replica. */
  get(region: string, key: ItemKey): Item | undefined {
    return this.replica(region).entry(key)?.item;
  }

  /** Items of one partition, by sort key; optionally only sort keys starting with `skPrefix`. */
  query(region: string, pk: string, skPrefix = ''): Item[] {
    const partition = this.replica(region).partitions.get(pk);
    if (partition === undefined) return [];
    const items: Item[] = [];
    for (const sk of [...partition.keys()].sort(compareStrings)) {
      const item = (partition.get(sk) as Entry).item;
      if (item !== undefined && sk.startsWith(skPrefix)) items.push(item);
    }
    return items;
  }

  /** Items of one partition of a sparse index, by its sort key. */
  queryIndex(region: string, index: string, partition: string): Item[] {
    const entries = this.replica(region).indexes.get(index)?.get(partition);
    if (entries === undefined) return [];
    const sortKey = this.indexDefinition(index).sortKey;
    return [...entries.values()].sort((a, b) =>
      compareStrings(String(a[sortKey]), String(b[sortKey])),
    );
  }

  /** Every item of `region`'s replica. */
  scan(region: string): Item[] {
    const items: Item[] = [];
    for (const partition of this.replica(region).partitions.values()) {
      for (const entry of partition.values()) if (entry.item !== undefined) items.push(entry.item);
    }
    return items;
  }

  // ---- writes (conditions on the local replica only)

  /** Puts `item` in `region`'s replica if `condition` holds there; false when it did not. */
  put(region: string, item: Item, condition?: Condition): boolean {
    return this.transact(region, [{ kind: 'put', item, ...(condition ? { condition } : {}) }], {
      single: true,
    }).ok;
  }

  /** Deletes an item of `region`'s replica if `condition` holds there; false when it did not. */
  delete(region: string, key: ItemKey, condition?: Condition): boolean {
    return this.transact(region, [{ kind: 'delete', key, ...(condition ? { condition } : {}) }], {
      single: true,
    }).ok;
  }

  /**
   * All-or-nothing writes in `region`'s replica: every condition is checked against that replica,
   * then every write is applied. Each write still replicates as its own mutation (DynamoDB does
   * not replicate a transaction as a unit). Refused on MRSC tables.
   */
  transact(
    region: string,
    parts: readonly TransactionPart[],
    options: { readonly single?: boolean } = {},
  ): { readonly ok: true } | { readonly ok: false; readonly failed: readonly number[] } {
    if (this.mode === 'strong') {
      if (options.single !== true) {
        throw new ReplicationRefusedError(
          'transactions are not supported on multi-Region strong consistency tables',
          'ValidationException',
        );
      }
      if (!this.engine.reachesMajority(region)) {
        throw new ReplicationRefusedError(
          `${region} cannot reach a majority of replicas; the write was not made`,
          'ReplicatedWriteConflictException',
        );
      }
    }
    const replica = this.replica(region);
    const failed: number[] = [];
    parts.forEach((part, index) => {
      const key = part.kind === 'put' ? keyOf(part.item) : part.key;
      if (part.condition !== undefined && !part.condition(replica.entry(key)?.item)) {
        failed.push(index);
      }
    });
    if (failed.length > 0) return { ok: false, failed };
    for (const part of parts) {
      if (part.kind === 'check') continue;
      const image = part.kind === 'put' ? freeze(part.item) : undefined;
      this.mutateLocally(
        region,
        part.kind === 'put' ? keyOf(part.item) : part.key,
        image,
        part.kind === 'put' ? 'write' : 'delete',
      );
    }
    return { ok: true };
  }

  /** Puts and deletes made by callers so far, in every region (replication not counted). */
  get mutations(): number {
    return this.localWrites;
  }

  // ---- replication controls

  /** Applies every undelivered mutation that matches and is not blocked; returns how many. */
  deliver(filter: DeliveryFilter = {}): number {
    return this.applyAll(this.engine.take(filter));
  }

  /** Applies everything deliverable now (partitions and paused regions still hold theirs). */
  deliverAll(): number {
    return this.deliver();
  }

  /** Moves the true clock (a VirtualClock) forward, applying deliveries as they fall due. */
  advance(ms: number): number {
    const clock = this.engine.clock as { advance?: (ms: number) => number };
    if (typeof clock.advance !== 'function') {
      throw new Error('advance() needs a VirtualClock; this table runs on another clock');
    }
    const end = this.engine.clock.now() + ms;
    let applied = 0;
    for (;;) {
      const next = this.engine.nextDueAt();
      if (next === undefined || next > end) break;
      if (next > this.engine.clock.now()) clock.advance(next - this.engine.clock.now());
      applied += this.applyAll(this.engine.take({}, { dueOnly: true }));
    }
    if (end > this.engine.clock.now()) clock.advance(end - this.engine.clock.now());
    return applied;
  }

  /** Applies the deliveries due by the true clock now. */
  deliverDue(): number {
    return this.applyAll(this.engine.take({}, { dueOnly: true }));
  }

  partition(a: string, b: string): void {
    this.engine.partition(a, b);
  }

  heal(a?: string, b?: string): void {
    this.engine.heal(a, b);
  }

  pause(region: string): void {
    this.engine.pause(region);
  }

  resume(region?: string): void {
    this.engine.resume(region);
  }

  /** Heals every link, resumes every region and delivers until nothing is left. */
  settle(): number {
    this.engine.heal();
    this.engine.resume();
    let applied = 0;
    while (this.engine.backlog > 0) applied += this.deliver();
    return applied;
  }

  /** Undelivered mutations (blocked ones too). */
  pending(filter: DeliveryFilter = {}): Delivery[] {
    return this.engine.pending(filter);
  }

  /**
   * The TTL process: deletes items whose `expiresAt` (epoch seconds) has passed, in `region` (or
   * every region, in order), as local deletes that replicate like any other (DynamoDB Local has
   * no TTL process, so the engine is it). Returns how many items it deleted.
   */
  expireTtl(region?: string, attribute = 'expiresAt'): number {
    const nowSeconds = Math.floor(this.engine.clock.now() / 1000);
    let expired = 0;
    for (const target of region === undefined ? this.regions : [region]) {
      for (const item of this.scan(target)) {
        const at = item[attribute];
        if (typeof at === 'number' && at <= nowSeconds) {
          this.mutateLocally(target, keyOf(item), undefined, 'ttl');
          expired += 1;
        }
      }
    }
    return expired;
  }

  // ---- streams and inspection

  /** `region`'s change stream: local and replicated writes, as DynamoDB Streams shows them. */
  stream(region: string): ReplicaStream {
    return this.replica(region).stream;
  }

  /** Every item of a region, sorted by key, as one string (for equality checks). */
  snapshot(region: string): string {
    return JSON.stringify(
      this.scan(region).sort((a, b) => compareStrings(itemIdOf(keyOf(a)), itemIdOf(keyOf(b)))),
    );
  }

  // ---- internals

  private mutateLocally(
    region: string,
    key: ItemKey,
    image: Item | undefined,
    cause: MutationCause,
  ): void {
    const mutation: Mutation = { key, image, version: this.engine.nextVersion(region), cause };
    this.localWrites += 1;
    this.store(region, mutation, false);
    if (this.mode === 'strong') {
      // Acknowledged once it is in every replica this region reaches (a majority, checked
      // before the write); a replica cut off catches up when it reconnects.
      const late: string[] = [];
      for (const other of this.regions) {
        if (other === region) continue;
        if (this.engine.isCut(region, other)) late.push(other);
        else this.store(other, mutation, true);
      }
      this.engine.send(mutation, late);
      return;
    }
    this.engine.send(mutation);
  }

  private applyAll(deliveries: readonly Delivery[]): number {
    let applied = 0;
    for (const delivery of deliveries) {
      if (this.store(delivery.to, delivery.mutation, true)) applied += 1;
    }
    return applied;
  }

  /** Applies a mutation to one replica unless that replica holds a newer one; true if applied. */
  private store(region: string, mutation: Mutation, replicated: boolean): boolean {
    const replica = this.replica(region);
    const current = replica.entry(mutation.key);
    if (current !== undefined && compareVersions(mutation.version, current.version) <= 0) {
      return false;
    }
    let partition = replica.partitions.get(mutation.key.pk);
    if (partition === undefined) {
      partition = new Map();
      replica.partitions.set(mutation.key.pk, partition);
    }
    partition.set(mutation.key.sk, { item: mutation.image, version: mutation.version });
    this.reindex(replica, mutation.key, current?.item, mutation.image);
    replica.stream.append({
      key: mutation.key,
      oldImage: current?.item,
      newImage: mutation.image,
      creationMs: this.engine.clock.now(),
      origin: mutation.version.origin,
      replicated,
      ttl: mutation.cause === 'ttl',
    });
    return true;
  }

  private reindex(
    replica: Replica,
    key: ItemKey,
    before: Item | undefined,
    after: Item | undefined,
  ) {
    const id = itemIdOf(key);
    for (const index of this.indexDefinitions) {
      let byPartition = replica.indexes.get(index.name);
      if (byPartition === undefined) {
        byPartition = new Map();
        replica.indexes.set(index.name, byPartition);
      }
      const oldPartition = before?.[index.partitionKey];
      if (typeof oldPartition === 'string') byPartition.get(oldPartition)?.delete(id);
      const newPartition = after?.[index.partitionKey];
      if (
        after !== undefined &&
        typeof newPartition === 'string' &&
        after[index.sortKey] !== undefined
      ) {
        let entries = byPartition.get(newPartition);
        if (entries === undefined) {
          entries = new Map();
          byPartition.set(newPartition, entries);
        }
        entries.set(id, after);
      }
    }
  }

  private indexDefinition(name: string): IndexDefinition {
    const index = this.indexDefinitions.find((definition) => definition.name === name);
    if (index === undefined) throw new Error(`no index ${name} on this table`);
    return index;
  }

  private replica(region: string): Replica {
    const replica = this.replicas.get(region);
    if (replica === undefined) {
      throw new Error(`no replica in ${region}; replicas: ${this.regions.join(', ')}`);
    }
    return replica;
  }
}

/** A stored copy of `item` that nobody can change (nested values included). */
function freeze(item: Item): Item {
  return deepFreeze(structuredClone(item) as Record<string, unknown>);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value as Record<string, unknown>)) deepFreeze(nested);
  }
  return value;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type { StreamRecord };
