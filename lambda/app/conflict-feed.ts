/**
 * The conflict feed: what the DynamoDB Streams consumer of each region does with a change.
 *
 * Streams fire in every replica region, for local and replicated writes alike, so the same write
 * is seen once per region. Nothing is counted twice because each kind of event has exactly one
 * region that counts it:
 * - a write that resolved concurrent versions of a merged type (profiles, carts, presence) is
 *   counted by the region that made it: the record's `region` attribute (the slot's only writer)
 *   equals the consumer's region. The event source mapping filters on that attribute, so the other
 *   regions are never even invoked for it.
 * - concurrent versions of money (`reconcile` types) become a reconciliation case opened by the
 *   tenant's home region only, with a conditional put on an id derived from the versions; the
 *   conflict is counted when that put creates the case, so once, however many regions see it.
 * - replicated heartbeats from other regions give the replication lag of each region pair.
 * A batch retried after a failure restarts at the failed record (batch item failures), and
 * metrics are flushed only when an invocation ends, so a crash does not count twice either.
 */
import { APP_METRICS } from '../contract/metrics';
import { CONTROL_PARTITION, HEARTBEAT_PREFIX } from '../contract/naming';
import { DATA_TYPES, type DataType } from '../domain/catalog';
import { parseHlc } from '../domain/hlc';
import { MERGE_REGISTRY, type VersionedDataType } from '../domain/merge-registry';
import { openCase } from '../domain/reconciliation';
import { parseObjectPartitionKey, type ObjectKey } from '../domain/storage-layout';
import type { ValueCodec } from '../domain/value-codec';
import { effectiveOwnership, mergedRegister } from './core';
import { newCaseRecord } from './items';
import type { MetricSink, RegionReplica } from './ports';

/** A change as the consumer sees it (images already unmarshalled). */
export interface StreamChange {
  /** The stream record's sequence number (reported back on failure). */
  readonly sequenceNumber: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly newImage?: Record<string, unknown>;
  /** When the change was written to this region's replica (epoch ms, second precision). */
  readonly approximateCreationMs?: number;
}

/** What the feed needs. */
export interface FeedDeps {
  readonly region: string;
  /** The home of tenants never assigned one (the write policy's default home). */
  readonly primaryRegion: string;
  readonly replica: RegionReplica;
  readonly now: () => number;
  readonly metric: MetricSink;
  /** Records this region's measured lag from `origin` (for the API's staleness estimate). */
  readonly recordLag: (origin: string, lagMs: number, measuredAtMs: number) => Promise<void>;
}

/** What one change led to (for tests and logs). */
export type FeedOutcome =
  | { readonly kind: 'ignored' }
  | {
      readonly kind: 'resolution-counted';
      readonly dataClass: string;
      readonly resolutionMs: number;
    }
  | { readonly kind: 'case-opened'; readonly caseId: string }
  | { readonly kind: 'case-exists'; readonly caseId: string }
  | { readonly kind: 'case-superseded'; readonly caseId: string }
  | { readonly kind: 'no-conflict' }
  | { readonly kind: 'not-home'; readonly home: string }
  | { readonly kind: 'lag-measured'; readonly origin: string; readonly lagMs: number };

/** Processes one change. */
export async function processChange(change: StreamChange, deps: FeedDeps): Promise<FeedOutcome> {
  const image = change.newImage;
  if (change.eventName === 'REMOVE' || image === undefined) return { kind: 'ignored' };
  const pk = typeof image.pk === 'string' ? image.pk : '';
  const sk = typeof image.sk === 'string' ? image.sk : '';
  if (pk === CONTROL_PARTITION && sk.startsWith(HEARTBEAT_PREFIX)) {
    return measureLag(change, image, deps);
  }
  if (!pk.startsWith('T#') || !sk.startsWith('S#') || typeof image.type !== 'string') {
    return { kind: 'ignored' };
  }
  let key: ObjectKey;
  try {
    key = parseObjectPartitionKey(pk);
  } catch {
    return { kind: 'ignored' };
  }
  const kind = MERGE_REGISTRY.kindOf(key.type);
  if (kind === 'reconcile') return checkMoney(key as ObjectKey & { type: VersionedDataType }, deps);
  if (image.region !== deps.region) return { kind: 'ignored' };
  const siblings = typeof image.resolvedSiblings === 'number' ? image.resolvedSiblings : 0;
  if (siblings < 2 || typeof image.conflictSinceMs !== 'number') return { kind: 'ignored' };
  const dataClass = DATA_TYPES[key.type as DataType].domain;
  const resolutionMs = Math.max(0, parseHlc(image.hlc).wallMs - image.conflictSinceMs);
  deps.metric(APP_METRICS.conflicts.name, 1, 'Count', { dataClass });
  deps.metric(APP_METRICS.conflictResolutionMs.name, resolutionMs, 'Milliseconds', { dataClass });
  return { kind: 'resolution-counted', dataClass, resolutionMs };
}

/** Opens a case when this region is the tenant's home and holds concurrent versions of money. */
async function checkMoney(
  key: ObjectKey & { type: VersionedDataType },
  deps: FeedDeps,
): Promise<FeedOutcome> {
  const ownershipSlots = await deps.replica.readOwnership(key.tenantId, { consistent: true });
  const { ownership } = effectiveOwnership(key.tenantId, ownershipSlots, deps.primaryRegion);
  if (ownership.home !== deps.region) return { kind: 'not-home', home: ownership.home };
  const slots = await deps.replica.readSlots(key, { consistent: true });
  const reconciliation = openCase(mergedRegister(key.type, slots));
  if (reconciliation === undefined) return { kind: 'no-conflict' };
  const codec = MERGE_REGISTRY.versionedPolicyOf(key.type).values as ValueCodec<unknown>;
  // Case items are written by the home under its epoch, like every owner-only write.
  const queued = await deps.replica.putCase(
    newCaseRecord(key, reconciliation, codec, deps.region, deps.now()),
    {
      tenantId: key.tenantId,
      epoch: ownership.epoch,
      regions: [...new Set([deps.region, ...ownershipSlots.map((slot) => slot.region)])],
    },
  );
  if (queued === 'fenced') return { kind: 'not-home', home: ownership.home };
  if (queued === 'exists') return { kind: 'case-exists', caseId: reconciliation.caseId };
  deps.metric(APP_METRICS.conflicts.name, 1, 'Count', { dataClass: DATA_TYPES[key.type].domain });
  if (queued === 'superseded') return { kind: 'case-superseded', caseId: reconciliation.caseId };
  deps.metric(APP_METRICS.reconciliationCasesOpened.name, 1, 'Count');
  return { kind: 'case-opened', caseId: reconciliation.caseId };
}

/** A heartbeat from another region arrived: its age on arrival is that region pair's lag. */
async function measureLag(
  change: StreamChange,
  image: Record<string, unknown>,
  deps: FeedDeps,
): Promise<FeedOutcome> {
  const origin = typeof image.writer === 'string' ? image.writer : undefined;
  const sentAtMs = typeof image.sentAtMs === 'number' ? image.sentAtMs : undefined;
  if (origin === undefined || sentAtMs === undefined || origin === deps.region)
    return { kind: 'ignored' };
  const arrivedAtMs = change.approximateCreationMs ?? deps.now();
  // The stream's creation time has one-second precision: never report less than zero.
  const lagMs = Math.max(0, arrivedAtMs - sentAtMs);
  deps.metric(APP_METRICS.replicationLagMs.name, lagMs, 'Milliseconds', { sourceRegion: origin });
  await deps.recordLag(origin, lagMs, deps.now());
  return { kind: 'lag-measured', origin, lagMs };
}

/**
 * Processes a batch in order and stops at the first failure, reporting it and everything after it
 * as failed, so the retry starts there (ReportBatchItemFailures) and nothing before it repeats.
 */
export async function processBatch(
  changes: readonly StreamChange[],
  deps: FeedDeps,
  onError: (change: StreamChange, error: unknown) => void = () => undefined,
): Promise<{ readonly failures: string[]; readonly outcomes: FeedOutcome[] }> {
  const outcomes: FeedOutcome[] = [];
  for (let index = 0; index < changes.length; index += 1) {
    const change = changes[index] as StreamChange;
    try {
      outcomes.push(await processChange(change, deps));
    } catch (error) {
      onError(change, error);
      return { failures: changes.slice(index).map((failed) => failed.sequenceNumber), outcomes };
    }
  }
  return { failures: [], outcomes };
}
