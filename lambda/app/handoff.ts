/**
 * Handoff without loss: what a tenant's new home must hold before it accepts an owner-only write
 * or answers a `strong` read of an object under a new owner epoch.
 *
 * DynamoDB replicates items independently, so the ownership record of a transfer can reach the
 * new home before the last slots the old home wrote. Every acknowledged owner-only write of an
 * earlier epoch was committed in the replica of the region that made it (the owner of that epoch
 * wrote its own slot there), and that region stopped writing when it handed off (the fence is in
 * its replica). So the new home reads the object's slots from every other replica with a
 * consistent read and keeps the newest revision of each slot: that holds every write any earlier
 * owner acknowledged. Its first write under the epoch is stamped with the epoch, and from then on
 * its own slot carries everything (`caughtUp`). When a replica does not answer, the answer is 503
 * `handoff_pending` with Retry-After, never a guess. A forced takeover names the lost home, whose
 * unreplicated writes are not waited for: they surface as conflicts when it returns.
 *
 * Tables fenced by read-then-write (multi-Region strong consistency: no transactions) also wait
 * until the transfer is `settleMs` old, so an owner-only write at the old home that had read the
 * fence just before the transfer has either landed (and is read) or can no longer land.
 */
import { mergeQuorumReplies } from '../domain/consistency';
import type { Ownership } from '../domain/ownership';
import { ownSlotOf, type ObjectKey, type SlotItem } from '../domain/storage-layout';
import { AppError } from './errors';
import type { ReplicaDirectory } from './ports';

/** What the catch-up needs. */
export interface HandoffDeps {
  readonly regions: readonly string[];
  readonly replicas: ReplicaDirectory;
  /** The reading region's clock (epoch ms). */
  readonly now: () => number;
  /** How long after a transfer its new home waits before writing (read-then-write fencing). */
  readonly settleMs: number;
}

/** The API function's timeout plus the SDK's request timeout: no write can land after this. */
const LONGEST_WRITE_MS = 13_000;

/**
 * How long a new home waits on a read-then-write fenced table (MRSC): the longest an owner-only
 * write that read the old epoch can still take to land, plus the clock skew bound (the transfer
 * is stamped by the old home's clock).
 */
export function readThenWriteSettleMs(maxSkewMs: number): number {
  return LONGEST_WRITE_MS + maxSkewMs;
}

/** Whether `home` already wrote the object under the current epoch (so its slot holds all). */
function caughtUp(ownership: Ownership, home: string, homeSlots: readonly SlotItem[]): boolean {
  if (ownership.epoch === 0) return true; // never handed off: nothing to catch up on
  const own = ownSlotOf(homeSlots, home);
  return own?.epoch !== undefined && own.epoch >= ownership.epoch;
}

/** A 503 that says the handoff is not complete yet. */
function handoffPending(message: string, retryAfterSeconds: number): AppError {
  return new AppError(
    503,
    'handoff_pending',
    message,
    {},
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/**
 * The object's slots as the home must see them under `ownership`: `homeSlots` (a consistent read
 * of the home's replica) merged with every other replica's copy, unless the home is caught up.
 */
export async function slotsAfterHandoff(
  deps: HandoffDeps,
  key: ObjectKey,
  home: string,
  ownership: Ownership,
  homeSlots: SlotItem[],
): Promise<SlotItem[]> {
  if (caughtUp(ownership, home, homeSlots)) return homeSlots;
  const settledAt = ownership.hlc.wallMs + deps.settleMs;
  const now = deps.now();
  if (deps.settleMs > 0 && now < settledAt) {
    throw handoffPending(
      `tenant ${key.tenantId} moved to ${home} (epoch ${ownership.epoch}); writes in flight at the previous home may still land for ${Math.ceil((settledAt - now) / 1000)} s; retry then`,
      Math.max(1, Math.ceil((settledAt - now) / 1000)),
    );
  }
  const others = deps.regions.filter((region) => region !== home && region !== ownership.lost);
  const replies = await Promise.all(
    others.map(async (region) => {
      try {
        return { region, slots: await deps.replicas(region).readSlots(key, { consistent: true }) };
      } catch (error) {
        if (error instanceof AppError) throw error;
        return { region, failed: error instanceof Error ? error.name : 'error' };
      }
    }),
  );
  const failed = replies.filter((reply) => 'failed' in reply).map((reply) => reply.region);
  if (failed.length > 0) {
    throw handoffPending(
      `tenant ${key.tenantId} moved to ${home} (epoch ${ownership.epoch}), which must first read what earlier owners acknowledged, and ${failed.join(', ')} did not answer; retry, or take the tenant over without ${failed.join(', ')} (aactl tenant takeover)`,
      2,
    );
  }
  const complete = replies.filter(
    (reply): reply is { region: string; slots: SlotItem[] } => 'slots' in reply,
  );
  return mergeQuorumReplies([{ region: home, slots: homeSlots }, ...complete], complete.length + 1);
}
