/**
 * Ports of the application layer: what the API needs from one region's replica of the global table,
 * from the idempotency store, and from logs and metrics. `lambda/adapters` implements them on DynamoDB; tests use the
 * in-memory versions in `lambda/adapters/memory-replica.ts` (over the replication engine in
 * `lambda/replication/`) or DynamoDB Local.
 */
import type { AppMetricName, AppMetricUnit } from '../contract/metrics';
import type { DataType } from '../domain/catalog';
import type { Ownership } from '../domain/ownership';
import type { ReconciliationCaseJson } from '../domain/reconciliation';
import type { ObjectKey, SlotItem } from '../domain/storage-layout';

/** Outcome of a conditional write. */
export type ConditionalWriteResult = 'written' | 'revision-conflict' | 'fenced';

/**
 * Epoch fencing for owner-only writes: the write succeeds only if no region's ownership slot of
 * the tenant holds an epoch above `epoch` (checked in the same transaction as the write).
 */
export interface OwnerFence {
  readonly tenantId: string;
  readonly epoch: number;
  /** Every region, so every ownership slot is checked. */
  readonly regions: readonly string[];
}

/** Facts a write records for the conflict feed (the stream consumer reads them). */
export interface ConflictAnnotation {
  /** How many concurrent versions this write resolved (2 or more). */
  readonly resolvedSiblings: number;
  /** When the conflict began: the wall time of the newest concurrent version (epoch ms). */
  readonly conflictSinceMs: number;
}

/** One region's ownership slot of a tenant, as stored. */
export interface OwnershipSlot {
  /** The region that wrote the slot (its only writer). */
  readonly region: string;
  /** Write counter (optimistic locking). */
  readonly rev: number;
  readonly ownership: Ownership;
}

/** Where a reconciliation case lives. */
export interface CaseRef {
  readonly tenantId: string;
  readonly type: DataType;
  readonly objectId: string;
  readonly caseId: string;
}

/** A reconciliation case as queued. */
export interface CaseRecord extends CaseRef {
  readonly status: 'open' | 'resolved';
  /** When the case was opened (epoch ms). */
  readonly openedAtMs: number;
  /** The region that opened it (the tenant's home). */
  readonly openedBy: string;
  /** Every concurrent version, untouched. */
  readonly reconciliation: ReconciliationCaseJson;
  /** When it was resolved (epoch ms). */
  readonly resolvedAtMs?: number;
  /** HLC of the resolving write. */
  readonly resolvedHlc?: string;
  /** Ids of earlier open cases of the object this one superseded (newest last). */
  readonly supersedes?: readonly string[];
}

/** What queueing a case did: a new case, a newer conflict replacing the open one, or nothing. */
export type CaseQueued = 'created' | 'superseded' | 'exists';

/** One page of open cases. */
export interface CasePage {
  readonly cases: readonly CaseRecord[];
  /** Opaque cursor of the next page, absent on the last page. */
  readonly cursor?: string;
}

/** One region's replica of the global table. */
export interface RegionReplica {
  /** Region of the replica. */
  readonly region: string;
  /** Every slot of one object (a Query on its partition). */
  readSlots(key: ObjectKey, options?: { readonly consistent?: boolean }): Promise<SlotItem[]>;
  /**
   * Writes a slot item (which must be this replica's region's slot) under its revision condition
   * and, with `fence`, the owner-epoch condition.
   */
  writeSlot(
    item: SlotItem,
    options?: {
      readonly fence?: OwnerFence;
      readonly annotation?: ConflictAnnotation;
      /** Makes a retried transaction idempotent (its ClientRequestToken). */
      readonly operationId?: string;
    },
  ): Promise<ConditionalWriteResult>;
  /** Every ownership slot of a tenant. */
  readOwnership(
    tenantId: string,
    options?: { readonly consistent?: boolean },
  ): Promise<OwnershipSlot[]>;
  /**
   * Writes this replica's region's ownership slot, expecting revision `expectedRev` (0: absent),
   * fenced by `fence`.
   */
  writeOwnership(
    ownership: Ownership,
    expectedRev: number,
    fence: OwnerFence,
  ): Promise<ConditionalWriteResult>;
  /**
   * Queues the case of an object (one item per object, written by the tenant's home under
   * `fence`): `created` when none was open, `superseded` when an open case of other versions was
   * replaced (keeping its opening time), `exists` when this very case is open, `fenced` when the
   * owner epoch moved on.
   */
  putCase(record: CaseRecord, fence?: OwnerFence): Promise<CaseQueued | 'fenced'>;
  /** The object's case (open or resolved), if any. */
  getCase(
    key: ObjectKey,
    options?: { readonly consistent?: boolean },
  ): Promise<CaseRecord | undefined>;
  /** Open cases, oldest first. */
  listOpenCases(limit: number, cursor?: string): Promise<CasePage>;
  /** Open cases of one object (at most one). */
  listObjectCases(key: ObjectKey): Promise<CaseRecord[]>;
  /** Marks case `ref.caseId` resolved; `not-open` when it is not the object's open case. */
  closeCase(
    ref: CaseRef,
    resolvedAtMs: number,
    resolvedHlc: string,
    fence?: OwnerFence,
  ): Promise<'closed' | 'not-open' | 'fenced'>;
}

/** Gives the replica of any region (the local one, or the home for forwarding and strong reads). */
export type ReplicaDirectory = (region: string) => RegionReplica;

/** A stored response, replayed for a retried request. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What `begin` found for an idempotency key. */
export type IdempotencyClaim =
  | {
      readonly kind: 'claimed';
      /**
       * An earlier attempt with this key ended with its outcome unknown (a 5xx, or a lease that
       * ran out): the operation may have been applied, so the retry looks for it before applying.
       */
      readonly readBack: boolean;
    }
  | { readonly kind: 'completed'; readonly response: StoredResponse }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'mismatch' };

/**
 * Idempotency keys in one region's replica: the API claims a key in the tenant's home region (one
 * effect per key across regions while the home answers), each claim item written only by the
 * region whose replica holds it.
 */
export interface IdempotencyStore {
  /** The region whose replica holds the claims. */
  readonly region: string;
  /**
   * Claims `key` for a request with `fingerprint` (a hash of method, path and body). A key whose
   * claim was released, whose outcome is unknown, or whose lease expired can be claimed again.
   */
  begin(scope: string, key: string, fingerprint: string, nowMs: number): Promise<IdempotencyClaim>;
  /** Stores the response of a claimed key. */
  complete(scope: string, key: string, response: StoredResponse, nowMs: number): Promise<void>;
  /** Gives up a claim after an answer that certainly wrote nothing (4xx), so a retry may run. */
  release(scope: string, key: string): Promise<void>;
  /** Keeps the claim after an answer whose outcome is unknown (5xx): the retry reads back first. */
  markUnknown(scope: string, key: string): Promise<void>;
  /** The claim of `key` as it stands (a consistent read), without claiming it. */
  peek(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
}

/** A claim as stored. */
export interface IdempotencyRecord {
  readonly status: 'in-progress' | 'completed' | 'outcome-unknown';
  readonly fingerprint: string;
  readonly response?: StoredResponse;
}

/** Structured logging (Powertools Logger in production, see lambda/adapters/observability.ts). */
export interface Log {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/**
 * Records one value of a metric of the catalog (lambda/contract/metrics.ts), in its catalog unit,
 * with the dimensions the catalog lists beyond `service` and `region` (Powertools Metrics, i.e.
 * EMF, in production).
 */
export type MetricSink = <N extends AppMetricName>(
  name: N,
  value: number,
  unit: AppMetricUnit<N>,
  dimensions?: Readonly<Record<string, string>>,
) => void;
