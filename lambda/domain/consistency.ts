/**
 * Read consistency levels and the rules that serve them:
 * - `local`: this region's replica, eventually consistent.
 * - `read-your-writes`: this region's replica if it has applied the caller's writes (per the
 *   session token's watermarks), else the home region.
 * - `strong`: the home region's replica with a consistent read.
 * - `quorum`: a majority of the regions' replicas, merged slot by slot.
 */
import { compareHlc, parseHlc } from './hlc';
import { assertRegionId, describeValue } from './json';
import type { SessionState } from './session-token';
import type { SlotItem } from './storage-layout';

/** Consistency levels, weakest first. */
export const CONSISTENCY_LEVELS = ['local', 'read-your-writes', 'strong', 'quorum'] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

/** Reads a consistency level from a request (header or query), `fallback` when absent. */
export function parseConsistencyLevel(
  value: unknown,
  fallback: ConsistencyLevel = 'local',
): ConsistencyLevel {
  if (value === undefined || value === null || value === '') {
    return fallback;
  }
  if (!(CONSISTENCY_LEVELS as readonly unknown[]).includes(value)) {
    throw new Error(
      `consistency must be one of ${CONSISTENCY_LEVELS.join(' | ')}, got ${describeValue(value)}`,
    );
  }
  return value as ConsistencyLevel;
}

/**
 * What a replica has applied: per origin region, the HLC string up to which every write from that
 * origin is visible here (from the per-region heartbeat probe). A replica always has its own
 * region's writes, so its own region needs no entry.
 */
export interface ReplicaWatermark {
  /** The replica's region. */
  readonly region: string;
  /** Origin region -> HLC string applied through. */
  readonly appliedThrough: Readonly<Record<string, string>>;
}

/** A session write a replica has not applied yet. */
export interface MissingWrite {
  /** Region the write was made in. */
  readonly origin: string;
  /** Stamp of the caller's last write there. */
  readonly needed: string;
  /** What the replica has applied from that origin, if anything. */
  readonly applied: string | undefined;
}

/** The read-your-writes decision. */
export type ReadYourWritesDecision =
  | { readonly kind: 'serve-local' }
  | {
      readonly kind: 'read-from-home';
      /** The tenant's home region. */
      readonly home: string;
      /** The writes this replica is missing (for logs and the staleness header). */
      readonly missing: readonly MissingWrite[];
    };

/** The session writes `watermark`'s replica has not applied. */
function missingWrites(session: SessionState, watermark: ReplicaWatermark): MissingWrite[] {
  const missing: MissingWrite[] = [];
  for (const origin of Object.keys(session.lastWrites).sort()) {
    if (origin === watermark.region) {
      continue;
    }
    const needed = session.lastWrites[origin] as string;
    const applied = watermark.appliedThrough[origin];
    if (applied === undefined || compareHlc(parseHlc(applied), parseHlc(needed)) < 0) {
      missing.push({ origin, needed, applied });
    }
  }
  return missing;
}

/**
 * Serve locally when this replica has applied every write in the session, else read from the home
 * region. In the home region the answer is always `serve-local` (with a consistent read). Writes
 * forwarded to the owner were made in the home, so the home has them; a global-class write made in
 * a third region may still be in flight to the home too: the home then serves what it has and the
 * response reports the staleness (`missingWrites` against the home's watermark).
 */
export function decideReadYourWrites(
  session: SessionState,
  watermark: ReplicaWatermark,
  home: string,
): ReadYourWritesDecision {
  assertRegionId(home, 'home region');
  if (watermark.region === home) {
    return { kind: 'serve-local' };
  }
  const missing = missingWrites(session, watermark);
  return missing.length === 0 ? { kind: 'serve-local' } : { kind: 'read-from-home', home, missing };
}

/** How to serve a read. */
export type ReadPlan =
  | {
      readonly kind: 'serve-local';
      /** Use a strongly consistent read of the local replica. */
      readonly consistentRead: boolean;
    }
  | {
      readonly kind: 'read-from-home';
      readonly home: string;
      readonly missing: readonly MissingWrite[];
    }
  | {
      readonly kind: 'quorum';
      /** Regions to ask, this region first. */
      readonly regions: readonly string[];
      /** Replies needed (a majority of all regions, this region included). */
      readonly needed: number;
    };

/** Inputs of `planRead`. */
export interface ReadRequest {
  /** Requested level. */
  readonly level: ConsistencyLevel;
  /** This region. */
  readonly region: string;
  /** The tenant's home region. */
  readonly home: string;
  /** Every deployed region. */
  readonly regions: readonly string[];
  /** The caller's session (read-your-writes). @default - an empty session */
  readonly session?: SessionState;
  /** This replica's watermark (read-your-writes). @default - nothing applied from other regions */
  readonly watermark?: ReplicaWatermark;
}

/** Plans a read at any level. */
export function planRead(request: ReadRequest): ReadPlan {
  switch (request.level) {
    case 'local':
      return { kind: 'serve-local', consistentRead: false };
    case 'read-your-writes': {
      const decision = decideReadYourWrites(
        request.session ?? { lastWrites: {}, issuedAtMs: 0 },
        request.watermark ?? { region: request.region, appliedThrough: {} },
        request.home,
      );
      // Consistent, so the caller's own writes in this region are visible too.
      return decision.kind === 'serve-local'
        ? { kind: 'serve-local', consistentRead: true }
        : decision;
    }
    case 'strong':
      return request.region === request.home
        ? { kind: 'serve-local', consistentRead: true }
        : { kind: 'read-from-home', home: request.home, missing: [] };
    case 'quorum':
      return {
        kind: 'quorum',
        regions: [request.region, ...request.regions.filter((region) => region !== request.region)],
        needed: quorumSize(request.regions.length),
      };
  }
}

/** A majority of `regionCount` regions. */
export function quorumSize(regionCount: number): number {
  if (!Number.isSafeInteger(regionCount) || regionCount < 1) {
    throw new Error(`quorum needs a positive region count, got ${describeValue(regionCount)}`);
  }
  return Math.floor(regionCount / 2) + 1;
}

/** One replica's answer to a quorum read: the object's slots as that replica holds them. */
export interface ReplicaReply {
  /** The replica's region. */
  readonly region: string;
  /** Every slot of the object in that replica. */
  readonly slots: readonly SlotItem[];
}

/**
 * Merges a quorum read: for each slot, the newest copy any replica holds (the highest `rev`: each
 * slot has a single writer, so a higher revision contains every lower one). Merge the result with
 * `mergeSlotItems` as for a local read. Throws when fewer than a majority of `regionCount`
 * replicas replied, or a region replied twice.
 */
export function mergeQuorumReplies(
  replies: readonly ReplicaReply[],
  regionCount: number,
): SlotItem[] {
  const needed = quorumSize(regionCount);
  const regions = new Set<string>();
  for (const reply of replies) {
    if (regions.has(reply.region)) {
      throw new Error(`quorum read got two replies from ${reply.region}; count each replica once`);
    }
    regions.add(reply.region);
  }
  if (regions.size < needed) {
    throw new Error(
      `quorum read needs ${needed} of ${regionCount} replicas, got ${regions.size} (${[...regions].join(', ') || 'none'}); retry or use a weaker consistency`,
    );
  }
  const newest = new Map<string, SlotItem>();
  let pk: string | undefined;
  for (const reply of replies) {
    for (const slot of reply.slots) {
      if (pk !== undefined && slot.pk !== pk) {
        throw new Error(`quorum replies mix objects ${pk} and ${slot.pk}`);
      }
      pk = slot.pk;
      const current = newest.get(slot.sk);
      if (current === undefined || slot.rev > current.rev) {
        newest.set(slot.sk, slot);
      }
    }
  }
  return [...newest.keys()].sort().map((sk) => newest.get(sk) as SlotItem);
}

/**
 * Estimated staleness of a replica: how far behind `nowMs` its oldest watermark is, over the
 * `origins` it should have heard from. `undefined` when an origin has no watermark at all.
 */
export function estimateStalenessMs(
  watermark: ReplicaWatermark,
  origins: readonly string[],
  nowMs: number,
): number | undefined {
  let worst = 0;
  for (const origin of origins) {
    if (origin === watermark.region) {
      continue;
    }
    const applied = watermark.appliedThrough[origin];
    if (applied === undefined) {
      return undefined;
    }
    worst = Math.max(worst, nowMs - parseHlc(applied).wallMs);
  }
  return worst;
}
