/**
 * The application service: every API operation as a function of ports and the pure rules in
 * lambda/domain. It decides where a write runs (here, forwarded to the tenant's home replica, or
 * refused), fences owner-only writes with the tenant's epoch, serves reads at the requested
 * consistency, and keeps each region to its own slot of every object.
 */
import { randomUUID } from 'node:crypto';
import { WRITE_CLASS_SCOPES, type Operation, type WriteClass } from '../domain/catalog';
import { mergeQuorumReplies, type ConsistencyLevel } from '../domain/consistency';
import type { Crdt, CrdtCodec } from '../domain/crdt/crdt';
import type { MVRegister } from '../domain/crdt/mv-register';
import {
  compareHlc,
  formatHlc,
  hlcTimestamp,
  HybridLogicalClock,
  parseHlc,
  type HlcTimestamp,
} from '../domain/hlc';
import type { JsonValue } from '../domain/json';
import {
  MERGE_REGISTRY,
  resolveSiblings,
  type VersionedDataType,
  type VersionedPolicy,
  type VersionedRead,
} from '../domain/merge-registry';
import { mergeOwnership, transferOwnership, type Ownership } from '../domain/ownership';
import {
  openCase,
  resolveCase,
  serializeCase,
  type ReconciliationCase,
} from '../domain/reconciliation';
import {
  encodeSessionToken,
  recordWrite,
  type SessionKeyring,
  type SessionState,
} from '../domain/session-token';
import {
  buildSlotItem,
  hasApplied,
  mergeSlotItems,
  ownSlotOf,
  RECENT_OPERATIONS,
  type ObjectKey,
  type SlotItem,
} from '../domain/storage-layout';
import type { ValueCodec } from '../domain/value-codec';
import {
  decideWrite,
  explainWriteDecision,
  isWritableInAnyRegion,
  type NotOwnerPolicy,
} from '../domain/write-decision';
import { writeContextOf, type WritePolicy } from '../domain/write-policy';
import { AppError, conflict, notFound, unavailable, wrongRegion } from './errors';
import { slotsAfterHandoff } from './handoff';
import type {
  CaseQueued,
  CaseRecord,
  CaseRef,
  ConflictAnnotation,
  OwnerFence,
  OwnershipSlot,
  RegionReplica,
  ReplicaDirectory,
} from './ports';
import { readAtLevel } from './reads';

/** Measured replication lag into this region, per origin region (ms), when known. */
export type ReplicationLagSource = () => Promise<Readonly<Record<string, number>>>;

/** What the service needs. */
export interface ServiceDeps {
  /** Every region, primary first. */
  readonly regions: readonly string[];
  /** This region's write policy; it also names this region and the primary. */
  readonly policy: WritePolicy;
  readonly replicas: ReplicaDirectory;
  /** This region's clock (one per process). */
  readonly clock: HybridLogicalClock;
  readonly keyring: SessionKeyring;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** Base URL of a region's own API name, e.g. `https://eu-west-1.api.example.com`. */
  readonly regionalUrl: (region: string) => string;
  /** Measured replication lag, for the staleness estimate. @default - unknown */
  readonly replicationLag?: ReplicationLagSource;
  /** How many times a write re-reads and retries after a same-region revision conflict. */
  readonly maxWriteAttempts?: number;
  /**
   * How long a new home waits after a transfer before its first owner-only write per object, on
   * tables fenced by read-then-write (see ./handoff.ts). @default 0 (transaction fencing)
   */
  readonly handoffSettleMs?: number;
  /**
   * This region's clock offset from AWS time (ms), when measured (from the `Date` header of
   * DynamoDB answers). @default - not checked
   */
  readonly ownClockOffsetMs?: () => number | undefined;
}

/** Per-request options. */
export interface RequestOptions {
  readonly consistency: ConsistencyLevel;
  readonly session: SessionState;
  /** Forward writes this region may not run (default), or refuse them with 421. */
  readonly whenNotOwner: NotOwnerPolicy;
  /** Request path, to build the owner's URL in a 421. */
  readonly path: string;
  /**
   * Id of the operation: a retry that carries the same id (an idempotency key's) is recognised
   * where it had already been applied, never applied twice. @default - a fresh id per request
   */
  readonly operationId?: string;
  /**
   * The previous attempt's outcome is unknown: look for the operation in every replica before
   * applying it. @default false
   */
  readonly readBack?: boolean;
}

/** Which region served a request and how fresh the answer is. */
export interface Served {
  readonly servedRegion: string;
  readonly homeRegion: string;
  readonly consistency: ConsistencyLevel;
  /** Estimated staleness in ms; `undefined` when unknown. */
  readonly stalenessMs: number | undefined;
}

/** A read's answer. */
export interface ReadResult<T> extends Served {
  readonly value: T;
  /** HLC of the newest version read, when the object exists. */
  readonly version: string | undefined;
}

/** A write's answer. */
export interface WriteResult<T> extends Served {
  readonly value: T;
  /** HLC of the write. */
  readonly version: string;
  /** The caller's session token, updated with this write. */
  readonly sessionToken: string;
  /** Whether the write was forwarded to the tenant's home replica. */
  readonly forwarded: boolean;
  /** The owner epoch the write was made under (its tenant's, as read before writing). */
  readonly ownerEpoch: number;
}

/** Ownership of a tenant that was never assigned a home: the default home, epoch 0. */
function defaultOwnership(tenantId: string, defaultHome: string): Ownership {
  return { tenantId, home: defaultHome, epoch: 0, hlc: hlcTimestamp(0, 0, defaultHome) };
}

/** A tenant's ownership from its slots: the merged record, else the default. */
export function effectiveOwnership(
  tenantId: string,
  slots: readonly OwnershipSlot[],
  defaultHome: string,
): { ownership: Ownership; explicit: boolean } {
  const merged = mergeOwnership(slots.map((slot) => slot.ownership));
  return merged === undefined
    ? { ownership: defaultOwnership(tenantId, defaultHome), explicit: false }
    : { ownership: merged, explicit: true };
}

/** The multi-value register of a versioned object: every region's slot, merged. */
export function mergedRegister<T>(
  type: VersionedDataType,
  slots: readonly SlotItem[],
): MVRegister<T> {
  const codec = MERGE_REGISTRY.registerCodecOf(type) as unknown as CrdtCodec<MVRegister<T>>;
  return mergeSlotItems(codec, slots);
}

/** The queue record of a newly found case, opened by `region` (the tenant's home). */
export function newCaseRecord(
  key: ObjectKey,
  reconciliation: ReconciliationCase<unknown>,
  codec: ValueCodec<unknown>,
  region: string,
  nowMs: number,
): CaseRecord {
  return {
    tenantId: key.tenantId,
    type: key.type,
    objectId: key.objectId,
    caseId: reconciliation.caseId,
    status: 'open',
    openedAtMs: nowMs,
    openedBy: region,
    reconciliation: serializeCase(reconciliation, codec),
  };
}

/** The result of applying an update to the object's current slots. */
type SlotUpdate<T> =
  | {
      readonly kind: 'write';
      readonly item: SlotItem;
      readonly value: T;
      readonly hlc: HlcTimestamp;
      readonly annotation?: ConflictAnnotation;
    }
  | { readonly kind: 'blocked'; readonly reconciliation: ReconciliationCase<unknown> };

/** The reads and writes of the API. */
export class ActiveActiveService {
  private readonly maxWriteAttempts: number;

  constructor(private readonly deps: ServiceDeps) {
    this.maxWriteAttempts = deps.maxWriteAttempts ?? 5;
  }

  /** This region. */
  get region(): string {
    return this.deps.policy.region;
  }

  // ---------------------------------------------------------------- ownership

  /** The tenant's ownership as `replica` holds it (the default when never assigned). */
  private async ownershipAt(
    tenantId: string,
    replica: RegionReplica,
    consistent: boolean,
  ): Promise<{ ownership: Ownership; slots: OwnershipSlot[]; explicit: boolean }> {
    const slots = await replica.readOwnership(tenantId, { consistent });
    return { ...effectiveOwnership(tenantId, slots, this.deps.policy.defaultHome), slots };
  }

  /**
   * The tenant's home and epoch as `at`'s replica holds them (this region's: eventually
   * consistent; another's: a consistent read), and the home it moved from after a transfer.
   */
  async homeOf(
    tenantId: string,
    at: string = this.region,
  ): Promise<{ home: string; epoch: number; from?: string }> {
    // a remote view is read consistently: the home's own replica is where a move away is written
    const { ownership } = await this.guard(at, () =>
      this.ownershipAt(tenantId, this.deps.replicas(at), at !== this.region),
    );
    return {
      home: ownership.home,
      epoch: ownership.epoch,
      ...(ownership.from === undefined || ownership.lost !== undefined
        ? {}
        : { from: ownership.from }),
    };
  }

  /** `GET /home`: the tenant's home and epoch, read at the requested consistency. */
  async readHome(
    tenantId: string,
    options: RequestOptions,
  ): Promise<ReadResult<{ home: string; epoch: number; explicit: boolean }>> {
    const local = await this.ownershipAt(tenantId, this.deps.replicas(this.region), true);
    const served =
      options.consistency === 'strong' && local.ownership.home !== this.region
        ? local.ownership.home
        : this.region;
    const view =
      served === this.region
        ? local
        : await this.guard(served, () =>
            this.ownershipAt(tenantId, this.deps.replicas(served), true),
          );
    return {
      value: {
        home: view.ownership.home,
        epoch: view.ownership.epoch,
        explicit: view.explicit,
      },
      version: view.explicit ? formatHlc(view.ownership.hlc) : undefined,
      servedRegion: served,
      homeRegion: view.ownership.home,
      consistency: options.consistency === 'strong' ? 'strong' : 'local',
      stalenessMs: served === view.ownership.home ? 0 : await this.localStaleness(),
    };
  }

  /**
   * `PUT /home`: moves the tenant's home to `to` and bumps the epoch. Always runs at the current
   * home (forwarded there, or refused with 421 when the caller asks), fenced by the current epoch,
   * so a region acting on an old epoch can never transfer.
   */
  async transferHome(
    tenantId: string,
    to: string,
    options: RequestOptions,
  ): Promise<WriteResult<{ home: string; epoch: number }>> {
    this.assertOwnClock('ownership.transfer');
    if (!this.deps.regions.includes(to)) {
      throw new AppError(
        422,
        'unknown_region',
        `home region must be one of ${this.deps.regions.join(', ')}, got ${JSON.stringify(to)}`,
      );
    }
    const local = this.deps.replicas(this.region);
    const { ownership } = await this.ownershipAt(tenantId, local, true);
    const operation: Operation = 'ownership.transfer';
    // Ownership operations are decided by the tenant's home in every phase (a transfer must be
    // written by the current home), so the decision uses the home-owned semantics of read-local.
    const decision = decideWrite({
      phase: 'read-local',
      region: this.region,
      primaryRegion: this.deps.policy.primaryRegion,
      home: ownership.home,
      operation,
      limitedWriteClasses: this.deps.policy.limitedWriteClasses,
      whenNotOwner: options.whenNotOwner,
    });
    if (decision.kind === 'reject') {
      throw this.refuse(
        decision.owner,
        `${operation} runs in the tenant's home region ${decision.owner}`,
        options,
      );
    }
    const target = decision.kind === 'local' ? this.region : decision.owner;
    const replica = this.deps.replicas(target);
    for (let attempt = 1; attempt <= this.maxWriteAttempts; attempt += 1) {
      const current = await this.guard(target, () => this.ownershipAt(tenantId, replica, true));
      if (current.ownership.home !== target) {
        throw this.refuse(
          current.ownership.home,
          `tenant ${tenantId} moved to ${current.ownership.home} while this transfer was in flight`,
          options,
        );
      }
      if (to === current.ownership.home) {
        throw new AppError(
          422,
          'already_home',
          `tenant ${tenantId} is already homed in ${to}; pick another region`,
        );
      }
      const clock = this.clockFor(target);
      const hlc = current.explicit ? this.receive(clock, current.ownership.hlc) : clock.now();
      const next = transferOwnership(current.ownership, to, hlc);
      const ownSlot = current.slots.find((slot) => slot.region === target);
      const result = await this.guard(target, () =>
        replica.writeOwnership(
          next,
          ownSlot?.rev ?? 0,
          this.fenceOf(tenantId, current.ownership.epoch),
        ),
      );
      if (result === 'written') {
        return this.written({ home: next.home, epoch: next.epoch }, hlc, target, next, options);
      }
      if (result === 'fenced') {
        const fresh = await this.guard(target, () => this.ownershipAt(tenantId, replica, true));
        throw this.refuse(
          fresh.ownership.home,
          `tenant ${tenantId} has a newer owner epoch ${fresh.ownership.epoch}; its home is ${fresh.ownership.home}`,
          options,
        );
      }
    }
    throw conflict('write_contention', `ownership of ${tenantId} kept changing; retry`);
  }

  // ---------------------------------------------------------------- CRDT objects

  /** Reads a CRDT object (counters, sets) at the requested consistency. */
  async readCrdt<S extends Crdt<S>, V>(
    key: ObjectKey,
    codec: CrdtCodec<S>,
    view: (state: S) => V,
    options: RequestOptions,
  ): Promise<ReadResult<V>> {
    const read = await this.readSlots(key, options);
    return {
      ...read.served,
      value: view(mergeSlotItems(codec, read.slots)),
      version: newestHlc(read.slots),
    };
  }

  /** Applies a CRDT operation in this region's slot (or the home's, when forwarded). */
  async writeCrdt<S extends Crdt<S>, V>(
    key: ObjectKey,
    operation: WriteClass,
    codec: CrdtCodec<S>,
    apply: (state: S, writingRegion: string) => S,
    view: (state: S) => V,
    options: RequestOptions,
  ): Promise<WriteResult<V>> {
    const observe = (slots: readonly SlotItem[]) => view(mergeSlotItems(codec, slots));
    return this.write(key, operation, options, observe, (slots, clock, region) => {
      const state = mergeSlotItems(codec, slots);
      const hlc = this.stampAfter(clock, slots);
      const next = apply(state, region);
      const item = slotItem(key, region, codec.slotOf(next, region).serialize(), hlc, slots);
      return { kind: 'write', item, value: view(next), hlc };
    });
  }

  // ---------------------------------------------------------------- versioned objects

  /** Reads a versioned object (profiles, carts, ledger accounts). */
  async readVersioned<T>(
    key: ObjectKey & { type: VersionedDataType },
    options: RequestOptions,
  ): Promise<ReadResult<VersionedRead<T>>> {
    const read = await this.readSlots(key, options);
    const policy = MERGE_REGISTRY.versionedPolicyOf(key.type) as unknown as VersionedPolicy<T>;
    const register = mergedRegister<T>(key.type, read.slots);
    return {
      ...read.served,
      value: resolveSiblings(policy, register),
      version: newestHlc(read.slots),
    };
  }

  /**
   * Applies `update` to a versioned object's resolved value. `update` receives the write's own
   * HLC stamp (profiles stamp each field with it; carts count units for its region). A
   * `reconcile` type whose versions conflict is blocked: the case is queued (once) and the write
   * refused with 409 until a person resolves it.
   */
  async writeVersioned<T>(
    key: ObjectKey & { type: VersionedDataType },
    operation: WriteClass,
    update: (current: T | undefined, at: HlcTimestamp) => T,
    options: RequestOptions,
  ): Promise<WriteResult<T>> {
    const policy = MERGE_REGISTRY.versionedPolicyOf(key.type) as unknown as VersionedPolicy<T>;
    return this.write<T>(
      key,
      operation,
      options,
      resolvedValue(key, policy),
      (slots, clock, region) => {
        const register = mergedRegister<T>(key.type, slots);
        const before = resolveSiblings(policy, register);
        if (before.kind === 'conflict') {
          return {
            kind: 'blocked',
            reconciliation: before.reconciliation as ReconciliationCase<unknown>,
          };
        }
        // Receiving every sibling's stamp first orders this write after all of them.
        const hlc = this.stampAfter(clock, slots);
        const value = update(before.kind === 'value' ? before.value : undefined, hlc);
        const next = register.write(value, hlc);
        const item = slotItem(key, region, next.slotOf().serialize(), hlc, slots);
        const annotation =
          before.kind === 'value' && before.siblings > 1
            ? conflictAnnotation(register.siblings.map((sibling) => sibling.hlc))
            : undefined;
        return { kind: 'write', item, value, hlc, ...(annotation ? { annotation } : {}) };
      },
    );
  }

  // ---------------------------------------------------------------- reconciliation

  /** Open cases, oldest first, from this region's replica (cases replicate everywhere). */
  async listOpenCases(limit: number, cursor: string | undefined) {
    return this.deps.replicas(this.region).listOpenCases(limit, cursor);
  }

  /** Open cases of one object. */
  async casesOf(key: ObjectKey): Promise<CaseRecord[]> {
    return this.deps.replicas(this.region).listObjectCases(key);
  }

  /**
   * Queues the case of a conflicted `reconcile` object. Only the tenant's home writes case items,
   * under the owner epoch; a newer set of versions supersedes the open case (one per object).
   */
  private async queueCase(
    key: ObjectKey,
    reconciliation: ReconciliationCase<unknown>,
    codec: ValueCodec<unknown>,
    replica: RegionReplica,
    fence: OwnerFence,
  ): Promise<CaseQueued | 'fenced'> {
    return replica.putCase(
      newCaseRecord(key, reconciliation, codec, replica.region, this.deps.now()),
      fence,
    );
  }

  /**
   * Resolves a case with the value a person chose: writes it as one version that has seen every
   * sibling (at the tenant's home, fenced by its epoch) and closes the case.
   */
  async resolveCase<T>(
    ref: CaseRef & { type: VersionedDataType },
    operation: WriteClass,
    choose: (siblings: ReconciliationCase<T>) => T,
    options: RequestOptions,
  ): Promise<WriteResult<T> & { resolutionMs: number }> {
    // Cases are written by the tenant's home: read the case there, where it certainly exists.
    const local = this.deps.replicas(this.region);
    const { ownership } = await this.ownershipAt(ref.tenantId, local, true);
    const record = await this.guard(ownership.home, () =>
      this.deps.replicas(ownership.home).getCase(ref, { consistent: true }),
    );
    if (
      record === undefined ||
      (record.caseId !== ref.caseId && !(record.supersedes ?? []).includes(ref.caseId))
    ) {
      throw notFound(
        `reconciliation case ${ref.caseId} of ${ref.type} ${ref.objectId} does not exist`,
      );
    }
    if (record.caseId !== ref.caseId && record.status === 'open') {
      throw conflict(
        'case_stale',
        `reconciliation case ${ref.caseId} was superseded by ${record.caseId}, which holds newer versions; review it again`,
      );
    }
    if (record.status !== 'open') {
      throw conflict('case_closed', `reconciliation case ${ref.caseId} is already resolved`);
    }
    const key: ObjectKey & { type: VersionedDataType } = {
      tenantId: ref.tenantId,
      type: ref.type,
      objectId: ref.objectId,
    };
    let target = this.region;
    const policy = MERGE_REGISTRY.versionedPolicyOf(key.type) as unknown as VersionedPolicy<T>;
    const result = await this.write<T>(
      key,
      operation,
      options,
      resolvedValue(key, policy),
      (slots, clock, region) => {
        target = region;
        const register = mergedRegister<T>(key.type, slots);
        const current = openCase(register);
        if (current === undefined || current.caseId !== ref.caseId) {
          throw conflict(
            'case_stale',
            current === undefined
              ? `reconciliation case ${ref.caseId} is no longer open in ${region}; reload it`
              : `reconciliation case ${ref.caseId} is stale: the object's conflict is now ${current.caseId}; review it again`,
          );
        }
        const chosen = choose(current as ReconciliationCase<T>);
        const hlc = this.stampAfter(clock, slots);
        const next = resolveCase(register, ref.caseId, chosen, hlc);
        const item = slotItem(key, region, next.slotOf().serialize(), hlc, slots);
        return {
          kind: 'write',
          item,
          value: chosen,
          hlc,
          annotation: conflictAnnotation(register.siblings.map((sibling) => sibling.hlc)),
        };
      },
    );
    const resolvedAtMs = this.deps.now();
    await this.guard(target, () =>
      this.deps
        .replicas(target)
        .closeCase(
          ref,
          resolvedAtMs,
          result.version,
          this.fenceOf(ref.tenantId, result.ownerEpoch),
        ),
    );
    return { ...result, resolutionMs: Math.max(0, resolvedAtMs - record.openedAtMs) };
  }

  // ---------------------------------------------------------------- internals

  /** Reads the object's slots at the requested consistency; says who served and how fresh. */
  private readSlots(
    key: ObjectKey,
    options: RequestOptions,
  ): Promise<{ slots: SlotItem[]; served: Served }> {
    return readAtLevel(
      {
        region: this.region,
        regions: this.deps.regions,
        replicas: this.deps.replicas,
        handoff: this.handoffDeps(),
        ownershipAt: async (tenantId, replica, consistent) =>
          (await this.ownershipAt(tenantId, replica, consistent)).ownership,
        guard: (region, call) => this.guard(region, call),
        localStaleness: () => this.localStaleness(),
      },
      key,
      options,
    );
  }

  /** The common write path: decide, pick the target replica, read-apply-write with retries. */
  private async write<T>(
    key: ObjectKey,
    operation: WriteClass,
    options: RequestOptions,
    observe: (slots: readonly SlotItem[]) => T,
    apply: (slots: SlotItem[], clock: HybridLogicalClock, region: string) => SlotUpdate<T>,
  ): Promise<WriteResult<T>> {
    this.assertOwnClock(operation);
    const operationId = options.operationId ?? randomUUID();
    const local = this.deps.replicas(this.region);
    const { ownership } = await this.ownershipAt(key.tenantId, local, true);
    const context = {
      ...writeContextOf(this.deps.policy, operation),
      home: ownership.home,
      operation,
      whenNotOwner: options.whenNotOwner,
    } as const;
    const decision = decideWrite(context);
    if (decision.kind === 'reject') {
      throw this.refuse(decision.owner, explainWriteDecision(decision, context), options);
    }
    const target = decision.kind === 'local' ? this.region : decision.owner;
    // Owner-only classes run at the home under its epoch: fenced, caught up after a handoff, and
    // stamped with the epoch. Other writes that had to go to an owner are fenced too, so a stale
    // view of ownership is refused rather than obeyed.
    const ownerOnly = WRITE_CLASS_SCOPES[operation] === 'owner-only';
    const fenced =
      ownerOnly || !isWritableInAnyRegion(context.phase, operation, context.limitedWriteClasses);
    const fence = fenced ? this.fenceOf(key.tenantId, ownership.epoch) : undefined;
    const replica = this.deps.replicas(target);
    const clock = this.clockFor(target);
    const alreadyApplied = (slots: readonly SlotItem[]) =>
      this.written(
        observe(slots),
        parseHlc(newestHlc(slots) ?? formatHlc(clock.now())),
        target,
        ownership,
        options,
      );
    if (options.readBack === true) {
      // The last attempt's outcome is unknown: it may have landed in any replica it reached.
      const everywhere = await this.readEverywhere(key);
      if (hasApplied(everywhere, operationId)) return alreadyApplied(everywhere);
    }

    for (let attempt = 1; attempt <= this.maxWriteAttempts; attempt += 1) {
      let slots = await this.guard(target, () => replica.readSlots(key, { consistent: true }));
      // A retry of a write that had committed (an SDK retry, a client retry with the same key)
      if (hasApplied(slots, operationId)) return alreadyApplied(slots);
      if (ownerOnly) {
        slots = await slotsAfterHandoff(this.handoffDeps(), key, target, ownership, slots);
      }
      const update = apply(slots, clock, target);
      if (update.kind === 'blocked') {
        const policy = MERGE_REGISTRY.versionedPolicyOf(key.type as VersionedDataType);
        const queued = await this.guard(target, () =>
          this.queueCase(
            key,
            update.reconciliation,
            policy.values as ValueCodec<unknown>,
            replica,
            this.fenceOf(key.tenantId, ownership.epoch),
          ),
        );
        if (queued === 'fenced')
          throw await this.movedOn(key.tenantId, replica, ownership, options);
        throw conflict(
          'reconciliation_pending',
          `${key.type} ${key.objectId} has ${update.reconciliation.siblings.length} concurrent versions waiting in reconciliation case ${update.reconciliation.caseId}; resolve it first`,
          { caseId: update.reconciliation.caseId, queued },
        );
      }
      const item = withOperation(
        ownerOnly ? { ...update.item, epoch: ownership.epoch } : update.item,
        operationId,
      );
      const written = await this.guard(target, () =>
        replica.writeSlot(item, {
          operationId,
          ...(fence ? { fence } : {}),
          ...(update.annotation ? { annotation: update.annotation } : {}),
        }),
      );
      if (written === 'written') {
        return this.written(update.value, update.hlc, target, ownership, options);
      }
      if (written === 'fenced') throw await this.movedOn(key.tenantId, replica, ownership, options);
    }
    throw conflict(
      'write_contention',
      `${key.type} ${key.objectId} was updated concurrently ${this.maxWriteAttempts} times in ${target}; retry`,
    );
  }

  /**
   * A region whose own clock is off by more than the skew bound stamps nothing: its writes and
   * transfers answer 503 `clock_skew` here only, until its clock is fixed. Other regions are never
   * blocked by it: their clocks take its stamps and move on (hybrid logical clocks).
   */
  private assertOwnClock(operation: Operation): void {
    const offset = this.deps.ownClockOffsetMs?.();
    if (offset === undefined || Math.abs(offset) <= this.deps.clock.maxSkewMs) return;
    throw unavailable(
      'clock_skew',
      `${this.region}'s clock is ${Math.round(offset)} ms off AWS time, beyond the ${this.deps.clock.maxSkewMs} ms bound; it accepts no ${operation} until its clock is fixed; send the request to another region`,
    );
  }

  /** Every replica's slots of an object, newest revision of each (a 503 if one does not answer). */
  private async readEverywhere(key: ObjectKey): Promise<SlotItem[]> {
    const replies = await Promise.all(
      this.deps.regions.map(async (region) => {
        try {
          return {
            region,
            slots: await this.deps.replicas(region).readSlots(key, { consistent: true }),
          };
        } catch {
          throw unavailable(
            'outcome_unknown',
            `an earlier attempt of this request may have been applied in ${region}, which does not answer; retry with the same Idempotency-Key later`,
          );
        }
      }),
    );
    return mergeQuorumReplies(replies, replies.length);
  }

  /** The 421 for a write refused by the fence: the tenant's home moved on since it was read. */
  private async movedOn(
    tenantId: string,
    replica: RegionReplica,
    ownership: Ownership,
    options: RequestOptions,
  ): Promise<AppError> {
    const fresh = await this.guard(replica.region, () => this.ownershipAt(tenantId, replica, true));
    return this.refuse(
      fresh.ownership.home,
      `tenant ${tenantId} has a newer owner epoch ${fresh.ownership.epoch} than ${ownership.epoch} (a transfer is in flight); its home is ${fresh.ownership.home}`,
      options,
    );
  }

  private handoffDeps() {
    return {
      regions: this.deps.regions,
      replicas: this.deps.replicas,
      now: this.deps.now,
      settleMs: this.deps.handoffSettleMs ?? 0,
    };
  }

  /** The answer to a write made in `target`'s replica (read back there, so it is not stale). */
  private written<T>(
    value: T,
    hlc: HlcTimestamp,
    target: string,
    ownership: Ownership,
    options: RequestOptions,
  ): WriteResult<T> {
    return {
      value,
      version: formatHlc(hlc),
      sessionToken: this.sessionAfter(options.session, hlc),
      forwarded: target !== this.region,
      servedRegion: target,
      homeRegion: ownership.home,
      ownerEpoch: ownership.epoch,
      consistency: 'strong',
      stalenessMs: 0,
    };
  }

  private fenceOf(tenantId: string, epoch: number): OwnerFence {
    return { tenantId, epoch, regions: this.deps.regions };
  }

  private refuse(owner: string, why: string, options: RequestOptions): AppError {
    return wrongRegion(
      `${why}; send the request to ${owner} (${this.deps.regionalUrl(owner)})`,
      owner,
      `${this.deps.regionalUrl(owner)}${options.path}`,
    );
  }

  /** The clock a write in `region` is stamped with: ours, or a clock for the home we forward to. */
  private clockFor(region: string): HybridLogicalClock {
    return region === this.region
      ? this.deps.clock
      : new HybridLogicalClock({
          region,
          maxSkewMs: this.deps.clock.maxSkewMs,
          wallClock: this.deps.now,
        });
  }

  /** A stamp after every slot's: receiving the newest orders this write after all of them. */
  private stampAfter(clock: HybridLogicalClock, slots: readonly SlotItem[]): HlcTimestamp {
    const newest = newestStamp(slots);
    if (newest !== undefined) this.receive(clock, newest);
    return clock.now();
  }

  private receive(clock: HybridLogicalClock, stamp: HlcTimestamp): HlcTimestamp {
    return clock.receive(stamp);
  }

  private sessionAfter(session: SessionState, hlc: HlcTimestamp): string {
    return encodeSessionToken(recordWrite(session, hlc, this.deps.now()), this.deps.keyring);
  }

  /** Runs a call against `region`'s replica; a failure of a remote replica becomes a 503. */
  private async guard<R>(region: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof AppError || region === this.region) throw error;
      throw unavailable(
        'region_unavailable',
        `the ${region} replica did not answer (${error instanceof Error ? error.name : 'error'}); retry, or use local consistency`,
      );
    }
  }

  private async localStaleness(): Promise<number | undefined> {
    if (this.deps.replicationLag === undefined) return undefined;
    try {
      const lag = await this.deps.replicationLag();
      const origins = this.deps.regions.filter((region) => region !== this.region);
      if (origins.some((origin) => lag[origin] === undefined)) return undefined;
      return Math.max(0, ...origins.map((origin) => lag[origin] as number));
    } catch {
      return undefined;
    }
  }
}

/** Stamp of the newest slot, if any. */
function newestStamp(slots: readonly SlotItem[]): HlcTimestamp | undefined {
  let newest: HlcTimestamp | undefined;
  for (const slot of slots) {
    const stamp = parseHlc(slot.hlc);
    if (newest === undefined || compareHlc(stamp, newest) > 0) newest = stamp;
  }
  return newest;
}

/** HLC string of the newest slot, if any. */
export function newestHlc(slots: readonly SlotItem[]): string | undefined {
  const newest = newestStamp(slots);
  return newest === undefined ? undefined : formatHlc(newest);
}

/** The next version of `region`'s own slot of an object, holding `state`. */
function slotItem(
  key: ObjectKey,
  region: string,
  state: JsonValue,
  hlc: HlcTimestamp,
  slots: readonly SlotItem[],
): SlotItem {
  return buildSlotItem({ key, region, state, hlc, previous: ownSlotOf(slots, region) });
}

/** `item` recording that it applies operation `operationId` (its recent operation ids). */
function withOperation(item: SlotItem, operationId: string): SlotItem {
  return { ...item, ops: [...(item.ops ?? []), operationId].slice(-RECENT_OPERATIONS) };
}

/** The resolved value of a versioned object (what a retry of an applied write answers). */
function resolvedValue<T>(
  key: ObjectKey & { type: VersionedDataType },
  policy: VersionedPolicy<T>,
): (slots: readonly SlotItem[]) => T {
  return (slots) => {
    const resolved = resolveSiblings(policy, mergedRegister<T>(key.type, slots));
    if (resolved.kind === 'value') return resolved.value;
    throw conflict(
      'reconciliation_pending',
      `${key.type} ${key.objectId} has concurrent versions waiting in reconciliation; your earlier request was applied, resolve the case to see the result`,
    );
  };
}

/** Conflict facts for the feed: how many versions were resolved, and since when. */
export function conflictAnnotation(stamps: readonly HlcTimestamp[]): ConflictAnnotation {
  return {
    resolvedSiblings: stamps.length,
    conflictSinceMs: Math.max(...stamps.map((stamp) => stamp.wallMs)),
  };
}
