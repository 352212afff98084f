/**
 * Divergence probe: does this region's replica hold every version another replica has held for
 * longer than a grace period? Every item here has a single writing region, so "the same" means:
 * for each item (slot), the local copy is at least as new as the remote copy. A remote version
 * older than the grace period that is still missing locally means replication into this region is
 * stuck or lost, the divergence DynamoDB's average `ReplicationLatency` does not show.
 *
 * Each region checks what it is missing from every other region; the other direction is the other
 * region's probe, so each region pair and direction is checked once per probe period.
 */

/** One version of one single-writer item, as one replica holds it. */
export interface ItemVersion {
  /** Item key, e.g. `T#t#ledger-account#a|S#eu-west-1`. */
  readonly key: string;
  /** Monotonic version of the item (a slot's `rev`, a heartbeat's send time). */
  readonly version: number;
  /** When that version was written (epoch ms). */
  readonly writtenAtMs: number;
  /**
   * Rewritten on a schedule (heartbeats): its newest version is always recent, so it is stale
   * when the local copy has not moved for longer than the grace period.
   */
  readonly periodic?: boolean;
  /**
   * For a periodic item: when its series began (its first write). A replica that has never held
   * the item has been missing it since then. @default - the version's own write time
   */
  readonly seriesStartMs?: number;
}

/** An entity the probe checks: its items as the local and one remote replica hold them. */
export interface EntityCopies {
  /** Entity name for logs, e.g. `heartbeat us-east-1` or `t1/ledger-account/a`. */
  readonly entity: string;
  readonly remoteRegion: string;
  readonly local: readonly ItemVersion[];
  readonly remote: readonly ItemVersion[];
}

/** The items of an entity that the local replica is missing past the grace period. */
export function missingPastGrace(
  copies: EntityCopies,
  nowMs: number,
  graceMs: number,
): ItemVersion[] {
  const local = new Map(copies.local.map((item) => [item.key, item]));
  return copies.remote.filter((item) => {
    const have = local.get(item.key);
    if (have !== undefined && have.version >= item.version) return false;
    // A newer version exists remotely. For a periodic item, the local copy is stuck if it has not
    // moved for longer than the grace, and a copy never received is missing since the series
    // began (a fresh deploy's first heartbeats are still replicating); for any other item, if that
    // remote version itself is older than the grace (a fresh remote write may be replicating).
    const since =
      item.periodic === true
        ? (have?.writtenAtMs ?? item.seriesStartMs ?? item.writtenAtMs)
        : item.writtenAtMs;
    return nowMs - since > graceMs;
  });
}

/** The probe's verdict over every entity and remote region. */
export interface DivergenceReport {
  /** Entities (counted once each) missing a version from at least one region past the grace. */
  readonly divergentEntities: number;
  /** Entity and remote-region pairs checked. */
  readonly checked: number;
  /** What is missing, for logs. */
  readonly details: ReadonlyArray<{
    entity: string;
    remoteRegion: string;
    missing: readonly string[];
  }>;
}

/** Counts divergent entities over all copies checked. */
export function divergenceReport(
  copies: readonly EntityCopies[],
  nowMs: number,
  graceMs: number,
): DivergenceReport {
  const divergent = new Set<string>();
  const details: Array<{ entity: string; remoteRegion: string; missing: string[] }> = [];
  for (const copy of copies) {
    const missing = missingPastGrace(copy, nowMs, graceMs);
    if (missing.length > 0) {
      divergent.add(copy.entity);
      details.push({
        entity: copy.entity,
        remoteRegion: copy.remoteRegion,
        missing: missing.map((item) => item.key),
      });
    }
  }
  return { divergentEntities: divergent.size, checked: copies.length, details };
}
