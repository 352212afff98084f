/**
 * What every use case of the service shares: its dependencies and the small steps they all take
 * (read ownership, guard a remote call, refuse with the owner's URL, stamp, answer a write).
 */
import { type Operation } from '../domain/catalog';
import { mergeQuorumReplies } from '../domain/consistency';
import type { CrdtCodec } from '../domain/crdt/crdt';
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
} from '../domain/merge-registry';
import { mergeOwnership, type Ownership } from '../domain/ownership';
import { encodeSessionToken, recordWrite, type SessionState } from '../domain/session-token';
import {
  buildSlotItem,
  mergeSlotItems,
  ownSlotOf,
  RECENT_OPERATIONS,
  type ObjectKey,
  type SlotItem,
} from '../domain/storage-layout';
import { AppError, conflict, unavailable, wrongRegion } from './errors';
import type { ConflictAnnotation, OwnerFence, OwnershipSlot, RegionReplica } from './ports';
import type { RequestOptions, ServiceDeps, WriteResult } from './service-types';

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

/** The service's shared state and steps; the use cases (./ownership-ops.ts, ./objects.ts, ./reconciliation.ts, ./write-path.ts) take it as their first argument. */
export class ServiceCore {
  readonly maxWriteAttempts: number;

  constructor(readonly deps: ServiceDeps) {
    this.maxWriteAttempts = deps.maxWriteAttempts ?? 5;
  }

  /** This region. */
  get region(): string {
    return this.deps.policy.region;
  }

  /** The tenant's ownership as `replica` holds it (the default when never assigned). */
  async ownershipAt(
    tenantId: string,
    replica: RegionReplica,
    consistent: boolean,
  ): Promise<{ ownership: Ownership; slots: OwnershipSlot[]; explicit: boolean }> {
    const slots = await replica.readOwnership(tenantId, { consistent });
    return { ...effectiveOwnership(tenantId, slots, this.deps.policy.defaultHome), slots };
  }

  /**
   * A region whose own clock is off by more than the skew bound stamps nothing: its writes and
   * transfers answer 503 `clock_skew` here only, until its clock is fixed. Other regions are never
   * blocked by it: their clocks take its stamps and move on (hybrid logical clocks). Callers check
   * after their first DynamoDB call: the offset is measured from DynamoDB's answers, so a region
   * that refused before calling would never see its clock fixed.
   */
  assertOwnClock(operation: Operation): void {
    const offset = this.deps.ownClockOffsetMs?.();
    if (offset === undefined || Math.abs(offset) <= this.deps.clock.maxSkewMs) return;
    throw unavailable(
      'clock_skew',
      `${this.region}'s clock is ${Math.round(offset)} ms off AWS time, beyond the ${this.deps.clock.maxSkewMs} ms bound; it accepts no ${operation} until its clock is fixed; send the request to another region`,
    );
  }

  /** Every replica's slots of an object, newest revision of each (a 503 if one does not answer). */
  async readEverywhere(key: ObjectKey): Promise<SlotItem[]> {
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

  handoffDeps() {
    return {
      regions: this.deps.regions,
      replicas: this.deps.replicas,
      now: this.deps.now,
      settleMs: this.deps.handoffSettleMs ?? 0,
    };
  }

  /** The answer to a write made in `target`'s replica (read back there, so it is not stale). */
  written<T>(
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

  fenceOf(tenantId: string, epoch: number): OwnerFence {
    return { tenantId, epoch, regions: this.deps.regions };
  }

  refuse(owner: string, why: string, options: RequestOptions): AppError {
    return wrongRegion(
      `${why}; send the request to ${owner} (${this.deps.regionalUrl(owner)})`,
      owner,
      `${this.deps.regionalUrl(owner)}${options.path}`,
    );
  }

  /** The clock a write in `region` is stamped with: ours, or a clock for the home we forward to. */
  clockFor(region: string): HybridLogicalClock {
    return region === this.region
      ? this.deps.clock
      : new HybridLogicalClock({
          region,
          maxSkewMs: this.deps.clock.maxSkewMs,
          wallClock: this.deps.now,
        });
  }

  /** A stamp after every slot's: receiving the newest orders this write after all of them. */
  stampAfter(clock: HybridLogicalClock, slots: readonly SlotItem[]): HlcTimestamp {
    const newest = newestStamp(slots);
    if (newest !== undefined) this.receive(clock, newest);
    return clock.now();
  }

  receive(clock: HybridLogicalClock, stamp: HlcTimestamp): HlcTimestamp {
    return clock.receive(stamp);
  }

  sessionAfter(session: SessionState, hlc: HlcTimestamp): string {
    return encodeSessionToken(recordWrite(session, hlc, this.deps.now()), this.deps.keyring);
  }

  /** Runs a call against `region`'s replica; a failure of a remote replica becomes a 503. */
  async guard<R>(region: string, call: () => Promise<R>): Promise<R> {
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

  async localStaleness(): Promise<number | undefined> {
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
export function slotItem(
  key: ObjectKey,
  region: string,
  state: JsonValue,
  hlc: HlcTimestamp,
  slots: readonly SlotItem[],
): SlotItem {
  return buildSlotItem({ key, region, state, hlc, previous: ownSlotOf(slots, region) });
}

/** `item` recording that it applies operation `operationId` (its recent operation ids). */
export function withOperation(item: SlotItem, operationId: string): SlotItem {
  return { ...item, ops: [...(item.ops ?? []), operationId].slice(-RECENT_OPERATIONS) };
}

/** The resolved value of a versioned object (what a retry of an applied write answers). */
export function resolvedValue<T>(
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
