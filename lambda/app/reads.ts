/**
 * Reads at each consistency level, and exactly what each one guarantees (docs/api.md):
 *
 * - `local`: this region's replica, eventually consistent. Staleness: the measured replication
 *   lag into this region, or `unknown`.
 * - `read-your-writes`: every write the caller's session token carries. The token holds, per
 *   writing region, the newest write the session had acknowledged there. The local replica is read
 *   consistently; for each writing region whose slot here is behind the token (or absent), that
 *   region's own slot is read from its own replica (its only writer commits there first), so the
 *   answer holds every write of the session. A writing region that does not answer makes it a 503
 *   `session_unavailable`, never a silent miss. Staleness is not claimed (measured lag).
 * - `strong`: every write acknowledged before the read began.
 *   - Types written only by owner-only classes (money): the home's consistent read. The home is
 *     confirmed in its own replica (a transfer is written there first, so an old home that moved
 *     the tenant on says where to), and a home that has not written the object under the current
 *     epoch first catches up on what earlier owners acknowledged (./handoff.ts).
 *   - Globally writable types: a consistent read of every replica, newest revision of each slot.
 *     Any replica not answering is a 503.
 *   Staleness `0`, with that proof.
 * - `quorum`: refused with 422 `consistency_unavailable`. Writes are acknowledged by one replica,
 *   so a majority of replicas need not hold them; a level named for more than it gives is not
 *   offered. Use `strong`.
 */
import { isOwnerOnlyDomain, DATA_TYPES } from '../domain/catalog';
import { mergeQuorumReplies } from '../domain/consistency';
import { compareHlc, parseHlc } from '../domain/hlc';
import { mergeOwnership, type Ownership } from '../domain/ownership';
import type { SessionState } from '../domain/session-token';
import { slotSortKey, type ObjectKey, type SlotItem } from '../domain/storage-layout';
import { AppError, unavailable } from './errors';
import { slotsAfterHandoff, type HandoffDeps } from './handoff';
import type { RegionReplica, ReplicaDirectory } from './ports';
import type { RequestOptions, Served } from './service-types';

/** What reads need from the service. */
export interface ReadContext {
  readonly region: string;
  readonly regions: readonly string[];
  readonly replicas: ReplicaDirectory;
  readonly handoff: HandoffDeps;
  /** The tenant's ownership as `replica` holds it (consistent read when asked). */
  ownershipAt(tenantId: string, replica: RegionReplica, consistent: boolean): Promise<Ownership>;
  /** Runs a call against `region`'s replica; a failure of a remote replica becomes a 503. */
  guard<R>(region: string, call: () => Promise<R>): Promise<R>;
  /** Measured replication lag into this region, if known. */
  localStaleness(): Promise<number | undefined>;
}

/** The object's slots at the requested level, and who served them how fresh. */
export async function readAtLevel(
  context: ReadContext,
  key: ObjectKey,
  options: RequestOptions,
): Promise<{ slots: SlotItem[]; served: Served }> {
  switch (options.consistency) {
    case 'local':
      return readLocal(context, key);
    case 'read-your-writes':
      return readYourWrites(context, key, options.session);
    case 'strong':
      return isOwnerOnlyDomain(DATA_TYPES[key.type].domain)
        ? strongAtHome(context, key)
        : strongEverywhere(context, key);
    case 'quorum':
      throw new AppError(
        422,
        'consistency_unavailable',
        'quorum reads are not offered: a write is acknowledged once it is in one replica, so a majority of replicas need not hold it; read with consistency strong',
      );
  }
}

async function readLocal(context: ReadContext, key: ObjectKey) {
  const local = context.replicas(context.region);
  const [ownership, slots] = await Promise.all([
    context.ownershipAt(key.tenantId, local, false),
    local.readSlots(key),
  ]);
  return {
    slots,
    served: {
      servedRegion: context.region,
      homeRegion: ownership.home,
      consistency: 'local' as const,
      stalenessMs: await context.localStaleness(),
    },
  };
}

async function readYourWrites(context: ReadContext, key: ObjectKey, session: SessionState) {
  const local = context.replicas(context.region);
  const [ownership, localSlots] = await Promise.all([
    context.ownershipAt(key.tenantId, local, false),
    local.readSlots(key, { consistent: true }),
  ]);
  const slots = new Map(localSlots.map((slot) => [slot.sk, slot]));
  const behind = Object.entries(session.lastWrites).filter(([origin, needed]) => {
    if (origin === context.region || !context.regions.includes(origin)) return false;
    const held = slots.get(slotSortKey(origin));
    return held === undefined || compareHlc(parseHlc(held.hlc), parseHlc(needed)) < 0;
  });
  const consulted: string[] = [];
  await Promise.all(
    behind.map(async ([origin]) => {
      let remote: SlotItem[];
      try {
        remote = await context.replicas(origin).readSlots(key, { consistent: true });
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw unavailable(
          'session_unavailable',
          `your session has writes made in ${origin}, which did not answer and has not replicated them here yet; retry, or read with consistency local (which may miss them)`,
        );
      }
      consulted.push(origin);
      const own = remote.find((slot) => slot.sk === slotSortKey(origin));
      const held = slots.get(slotSortKey(origin));
      if (own !== undefined && (held === undefined || own.rev > held.rev)) slots.set(own.sk, own);
    }),
  );
  return {
    slots: [...slots.keys()].sort().map((sk) => slots.get(sk) as SlotItem),
    served: {
      servedRegion: [context.region, ...consulted.sort()].join(','),
      homeRegion: ownership.home,
      consistency: 'read-your-writes' as const,
      stalenessMs: await context.localStaleness(),
    },
  };
}

async function strongEverywhere(context: ReadContext, key: ObjectKey) {
  const local = context.replicas(context.region);
  const ownership = await context.ownershipAt(key.tenantId, local, false);
  const replies = await Promise.all(
    context.regions.map(async (region) => ({
      region,
      slots: await context.guard(region, () =>
        context.replicas(region).readSlots(key, { consistent: true }),
      ),
    })),
  );
  return {
    slots: mergeQuorumReplies(replies, replies.length),
    served: {
      servedRegion: context.regions.join(','),
      homeRegion: ownership.home,
      consistency: 'strong' as const,
      stalenessMs: 0,
    },
  };
}

async function strongAtHome(context: ReadContext, key: ObjectKey) {
  let ownership = await context.ownershipAt(key.tenantId, context.replicas(context.region), true);
  for (let hop = 0; hop <= context.regions.length; hop += 1) {
    const home = ownership.home;
    const replica = context.replicas(home);
    // The home confirms it still is the home: it wrote any transfer away into its own replica.
    const there = await context.guard(home, () => context.ownershipAt(key.tenantId, replica, true));
    const merged = mergeOwnership([ownership, there]) as Ownership;
    if (merged.home !== home) {
      ownership = merged;
      continue;
    }
    const homeSlots = await context.guard(home, () => replica.readSlots(key, { consistent: true }));
    const slots = await slotsAfterHandoff(context.handoff, key, home, merged, homeSlots);
    return {
      slots,
      served: {
        servedRegion: home,
        homeRegion: home,
        consistency: 'strong' as const,
        stalenessMs: 0,
      },
    };
  }
  throw unavailable(
    'ownership_unsettled',
    `the home of tenant ${key.tenantId} kept moving while this strong read looked for it; retry`,
  );
}
