/**
 * The replication engine: how a DynamoDB global table (multi-Region eventual consistency, version
 * 2019.11.21) moves writes between replicas, as one model shared by every test world (in memory,
 * DynamoDB Local, the sandbox).
 *
 * What it models, because the API's guarantees depend on it:
 * - every mutation (put, update, delete, TTL expiry) is recorded in the region where it was made,
 *   stamped with the engine's own true time (never a region's possibly skewed clock);
 * - each mutation is delivered to each other replica on its own: two items written in order can
 *   arrive in the other order, and one item can reach one region long before another;
 * - a replica keeps, per item, the newest mutation by that time (last writer wins, ties broken by
 *   origin region and then sequence, so every replica picks the same winner); an older mutation
 *   that arrives late is discarded, a delete wins over an older put and loses to a newer one;
 * - conditions and transactions see only the local replica (the stores enforce that);
 * - links can be partitioned and healed, regions paused (nothing in or out), and deliveries
 *   delayed per mutation and target by a seeded random delay, so items reorder reproducibly.
 *
 * The engine holds the log of undelivered mutations and decides what is due; the stores (in
 * memory, or DynamoDB Local) hold the items and apply what the engine hands them.
 */

/** The key of one item. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** A stored item (attribute name to plain value); always has string `pk` and `sk`. */
export type Item = Readonly<Record<string, unknown>>;

/** One string for a key, for maps. */
export function itemIdOf(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

/** The key of an item. */
export function keyOf(item: Item): ItemKey {
  const { pk, sk } = item;
  if (typeof pk !== 'string' || typeof sk !== 'string') {
    throw new Error(`an item needs string pk and sk, got pk=${String(pk)} sk=${String(sk)}`);
  }
  return { pk, sk };
}

/** When and where a mutation was made: the order last-writer-wins uses. */
export interface Version {
  /** The engine's true time of the write (epoch ms). */
  readonly time: number;
  /** The region where the write was made. */
  readonly origin: string;
  /** The engine's sequence number of the write (unique, increasing). */
  readonly seq: number;
}

/** Orders versions: by time, then origin region, then sequence (every replica agrees). */
export function compareVersions(a: Version, b: Version): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

/** What made a mutation. */
export type MutationCause = 'write' | 'delete' | 'ttl';

/** One mutation, recorded where it was made. */
export interface Mutation {
  readonly key: ItemKey;
  /** The item after the mutation; `undefined` for a delete (or a TTL expiry). */
  readonly image: Item | undefined;
  readonly version: Version;
  readonly cause: MutationCause;
}

/** One mutation on its way to one other replica. */
export interface Delivery {
  readonly mutation: Mutation;
  readonly to: string;
  /** Engine time from which it may be applied (write time plus its delay). */
  readonly dueAt: number;
}

/** The engine's true time. */
export interface TrueClock {
  now(): number;
}

/** A clock that moves only when told to (tests), starting at a fixed epoch. */
export class VirtualClock implements TrueClock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  /** Moves time forward by `ms` (never backwards). */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new Error(`a clock only moves forward, got ${ms} ms`);
    this.current += ms;
    return this.current;
  }
}

/** The wall clock (the sandbox, DynamoDB Local runs that measure real lag). */
export const WALL_CLOCK: TrueClock = { now: () => Date.now() };

/** How long a mutation takes to reach `to` (ms). */
export type DelayFn = (mutation: Mutation, to: string) => number;

/**
 * A reproducible random delay per mutation and target, uniform in `[minMs, maxMs]`: the same seed
 * gives the same delays, so a failing history replays exactly.
 */
export function seededDelays(options: {
  readonly seed: number;
  readonly minMs: number;
  readonly maxMs: number;
}): DelayFn {
  if (!(options.minMs >= 0 && options.maxMs >= options.minMs)) {
    throw new Error(
      `delays need 0 <= minMs <= maxMs, got ${options.minMs} and ${options.maxMs} ms`,
    );
  }
  return (mutation, to) => {
    const unit = hashToUnit(`${options.seed}|${mutation.version.seq}|${to}`);
    return Math.round(options.minMs + unit * (options.maxMs - options.minMs));
  };
}

/** A stable number in [0, 1) from a string (FNV-1a, then an xorshift mix). */
function hashToUnit(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0x5bd1e995);
  hash ^= hash >>> 15;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** Which undelivered mutations an operation applies to. */
export interface DeliveryFilter {
  /** Only mutations made in this region. */
  readonly from?: string;
  /** Only deliveries to this region. */
  readonly to?: string;
  /** Only mutations this predicate accepts (e.g. one item, or one kind of item). */
  readonly where?: (mutation: Mutation) => boolean;
}

/** Engine settings. */
export interface EngineOptions {
  /** Every replica region. */
  readonly regions: readonly string[];
  /** The true clock that stamps mutations. @default a VirtualClock */
  readonly clock?: TrueClock;
  /** Delay of each mutation to each target. @default - none: due at once */
  readonly delay?: DelayFn;
}

/** The log of undelivered mutations, the links between regions, and the order of delivery. */
export class ReplicationEngine {
  readonly regions: readonly string[];
  readonly clock: TrueClock;
  private delay: DelayFn;
  private seq = 0;
  private readonly queue: Delivery[] = [];
  private readonly cut = new Set<string>();
  private readonly paused = new Set<string>();

  constructor(options: EngineOptions) {
    if (new Set(options.regions).size !== options.regions.length || options.regions.length < 1) {
      throw new Error(`replica regions must be distinct, got ${options.regions.join(', ')}`);
    }
    this.regions = options.regions;
    this.clock = options.clock ?? new VirtualClock();
    this.delay = options.delay ?? (() => 0);
  }

  /** Changes how future mutations are delayed (mutations already sent keep their due time). */
  setDelay(delay: DelayFn): void {
    this.delay = delay;
  }

  /** The version a mutation made now in `origin` gets. */
  nextVersion(origin: string): Version {
    this.assertRegion(origin);
    this.seq += 1;
    return { time: this.clock.now(), origin, seq: this.seq };
  }

  /** Queues `mutation` (made in its version's origin) for every other replica, or `targets`. */
  send(mutation: Mutation, targets: readonly string[] = this.regions): void {
    for (const to of targets) {
      if (to === mutation.version.origin) continue;
      const delay = Math.max(0, this.delay(mutation, to));
      this.queue.push({ mutation, to, dueAt: mutation.version.time + delay });
    }
  }

  /** Undelivered mutations (blocked ones too), oldest first. */
  pending(filter: DeliveryFilter = {}): Delivery[] {
    return this.queue.filter((delivery) => matches(delivery, filter));
  }

  /** How many deliveries are still queued. */
  get backlog(): number {
    return this.queue.length;
  }

  /**
   * Takes the deliveries that may be applied now: matching `filter`, not blocked by a partition
   * or a paused region, and (with `dueOnly`) due by the true clock. In due order.
   */
  take(filter: DeliveryFilter = {}, options: { readonly dueOnly?: boolean } = {}): Delivery[] {
    const now = this.clock.now();
    const taken: Delivery[] = [];
    for (let index = 0; index < this.queue.length;) {
      const delivery = this.queue[index] as Delivery;
      if (
        matches(delivery, filter) &&
        !this.isBlocked(delivery) &&
        (options.dueOnly !== true || delivery.dueAt <= now)
      ) {
        taken.push(delivery);
        this.queue.splice(index, 1);
      } else {
        index += 1;
      }
    }
    return taken.sort(
      (a, b) => a.dueAt - b.dueAt || a.mutation.version.seq - b.mutation.version.seq,
    );
  }

  /** Puts deliveries back (a store could not apply them yet); they keep their due time. */
  requeue(deliveries: readonly Delivery[]): void {
    this.queue.push(...deliveries);
  }

  /** The earliest due time among deliveries that are not blocked, if any. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const delivery of this.queue) {
      if (this.isBlocked(delivery)) continue;
      if (next === undefined || delivery.dueAt < next) next = delivery.dueAt;
    }
    return next;
  }

  /** Stops replication between `a` and `b`, both ways; queued mutations wait, none is lost. */
  partition(a: string, b: string): void {
    this.assertRegion(a);
    this.assertRegion(b);
    this.cut.add(linkOf(a, b));
  }

  /** Heals the link between `a` and `b`, or every link when no region is named. */
  heal(a?: string, b?: string): void {
    if (a === undefined || b === undefined) {
      this.cut.clear();
      return;
    }
    this.cut.delete(linkOf(a, b));
  }

  /** Whether replication between `a` and `b` is cut (by a partition or a paused region). */
  isCut(a: string, b: string): boolean {
    return this.cut.has(linkOf(a, b)) || this.paused.has(a) || this.paused.has(b);
  }

  /** Pauses a region's replication: nothing leaves or reaches it until `resume`. */
  pause(region: string): void {
    this.assertRegion(region);
    this.paused.add(region);
  }

  /** Resumes a paused region, or every region when none is named. */
  resume(region?: string): void {
    if (region === undefined) this.paused.clear();
    else this.paused.delete(region);
  }

  /** Whether a delivery is held back by a partition or a paused region. */
  isBlocked(delivery: Delivery): boolean {
    return this.isCut(delivery.mutation.version.origin, delivery.to);
  }

  /** Whether `region` can replicate to a majority of replicas (itself included). */
  reachesMajority(region: string): boolean {
    const reachable = this.regions.filter(
      (other) => other === region || !this.isCut(region, other),
    );
    return reachable.length * 2 > this.regions.length;
  }

  private assertRegion(region: string): void {
    if (!this.regions.includes(region)) {
      throw new Error(`no replica in ${region}; replicas: ${this.regions.join(', ')}`);
    }
  }
}

function linkOf(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function matches(delivery: Delivery, filter: DeliveryFilter): boolean {
  return (
    (filter.from === undefined || delivery.mutation.version.origin === filter.from) &&
    (filter.to === undefined || delivery.to === filter.to) &&
    (filter.where === undefined || filter.where(delivery.mutation))
  );
}
