/** The service's dependencies and the shapes of its requests and answers. */
import type { ConsistencyLevel } from '../domain/consistency';
import type { HybridLogicalClock } from '../domain/hlc';
import type { SessionKeyring, SessionState } from '../domain/session-token';
import type { NotOwnerPolicy } from '../domain/write-decision';
import type { WritePolicy } from '../domain/write-policy';
import type { ReplicaDirectory } from './ports';

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
