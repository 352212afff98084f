/**
 * A global table in memory: one replica per region, replicated by the engine exactly as DynamoDB
 * global tables replicate (see ./engine.ts). The in-memory adapters (lambda/adapters/memory-*.ts)
 * read and write one region's replica (./replica-store.ts) through it; conditions and transactions
 * see that replica only. Items are frozen when written, so nothing can change a replica behind its
 * back.
 */
import {
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
} from './engine';
import { ReplicaStore, type IndexDefinition } from './replica-store';
import { ReplicatedStore } from './replicated-store';
import type { ReplicaStream } from './stream';

/** How the table replicates. */
export type ReplicationMode =
  /** Multi-Region eventual consistency: asynchronous, per item, last writer wins. */
  | 'eventual'
  /**
   * Multi-Region strong consistency (MRSC): a write is acknowledged once it is in every replica
   * that a majority can reach, and transactions are refused, as DynamoDB does.
   */
  | 'strong';

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

/** Every region's replica of one global table, and the engine between them. */
export class MemoryGlobalTable extends ReplicatedStore {
  readonly mode: ReplicationMode;
  /** Regions whose replica fails every call from the API (an isolated region). */
  readonly unreachable = new Set<string>();
  private readonly replicas = new Map<string, ReplicaStore>();
  private localWrites = 0;

  constructor(options: MemoryGlobalTableOptions) {
    super(
      new ReplicationEngine({
        regions: options.regions,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.delay ? { delay: options.delay } : {}),
      }),
    );
    this.mode = options.mode ?? 'eventual';
    for (const region of options.regions) {
      this.replicas.set(region, new ReplicaStore(options.indexes ?? []));
    }
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
    return this.replica(region).get(key);
  }

  /** Items of one partition, by sort key; optionally only sort keys starting with `skPrefix`. */
  query(region: string, pk: string, skPrefix = ''): Item[] {
    return this.replica(region).query(pk, skPrefix);
  }

  /** Items of one partition of a sparse index, by its sort key. */
  queryIndex(region: string, index: string, partition: string): Item[] {
    return this.replica(region).queryIndex(index, partition);
  }

  /** Every item of `region`'s replica. */
  scan(region: string): Item[] {
    return this.replica(region).scan();
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
      if (part.condition !== undefined && !part.condition(replica.get(key))) {
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

  /** Heals every link, resumes every region and delivers until nothing is left. */
  settle(): number {
    this.engine.heal();
    this.engine.resume();
    let applied = 0;
    while (this.engine.backlog > 0) applied += this.deliver();
    return applied;
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
    return this.replica(region).snapshot();
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
    return this.replica(region).apply(mutation, replicated, this.engine.clock.now());
  }

  private replica(region: string): ReplicaStore {
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
