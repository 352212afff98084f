/**
 * The application service: every API operation as a function of ports and the pure rules in
 * lambda/domain. A facade over the use cases, each in its own file:
 * - ./ownership-ops.ts: the tenant's home, read and transferred (a fenced handoff);
 * - ./objects.ts and ./reads.ts: CRDT and versioned objects, read at each consistency level;
 * - ./write-path.ts: where a write runs, the catch-up after a handoff, fencing, retries;
 * - ./reconciliation.ts: cases of money with concurrent versions.
 * Their shared state and steps are in ./core.ts.
 */
import type { WriteClass } from '../domain/catalog';
import type { Crdt, CrdtCodec } from '../domain/crdt/crdt';
import type { HlcTimestamp } from '../domain/hlc';
import type { VersionedDataType, VersionedRead } from '../domain/merge-registry';
import type { ReconciliationCase } from '../domain/reconciliation';
import type { ObjectKey } from '../domain/storage-layout';
import { ServiceCore } from './core';
import { readCrdt, readVersioned, writeCrdt, writeVersioned } from './objects';
import { homeOf, readHome, transferHome } from './ownership-ops';
import type { CasePage, CaseRecord, CaseRef } from './ports';
import { casesOf, listOpenCases, resolveCase } from './reconciliation';
import type { ReadResult, RequestOptions, ServiceDeps, WriteResult } from './service-types';

export { effectiveOwnership } from './core';
export type {
  ReadResult,
  ReplicationLagSource,
  RequestOptions,
  Served,
  ServiceDeps,
  WriteResult,
} from './service-types';

/** The reads and writes of the API. */
export class ActiveActiveService {
  private readonly core: ServiceCore;

  constructor(deps: ServiceDeps) {
    this.core = new ServiceCore(deps);
  }

  /** This region. */
  get region(): string {
    return this.core.region;
  }

  /** The tenant's home and epoch as `at`'s replica holds them. */
  homeOf(tenantId: string, at?: string): Promise<{ home: string; epoch: number; from?: string }> {
    return homeOf(this.core, tenantId, at);
  }

  /** `GET /home`. */
  readHome(
    tenantId: string,
    options: RequestOptions,
  ): Promise<ReadResult<{ home: string; epoch: number; explicit: boolean }>> {
    return readHome(this.core, tenantId, options);
  }

  /** `PUT /home`: a transfer, run at the current home. */
  transferHome(
    tenantId: string,
    to: string,
    options: RequestOptions,
  ): Promise<WriteResult<{ home: string; epoch: number }>> {
    return transferHome(this.core, tenantId, to, options);
  }

  /** Reads a CRDT object (counters, sets). */
  readCrdt<S extends Crdt<S>, V>(
    key: ObjectKey,
    codec: CrdtCodec<S>,
    view: (state: S) => V,
    options: RequestOptions,
  ): Promise<ReadResult<V>> {
    return readCrdt(this.core, key, codec, view, options);
  }

  /** Applies a CRDT operation. */
  writeCrdt<S extends Crdt<S>, V>(
    key: ObjectKey,
    operation: WriteClass,
    codec: CrdtCodec<S>,
    apply: (state: S, writingRegion: string) => S,
    view: (state: S) => V,
    options: RequestOptions,
  ): Promise<WriteResult<V>> {
    return writeCrdt(this.core, key, operation, codec, apply, view, options);
  }

  /** Reads a versioned object (profiles, carts, ledger accounts). */
  readVersioned<T>(
    key: ObjectKey & { type: VersionedDataType },
    options: RequestOptions,
  ): Promise<ReadResult<VersionedRead<T>>> {
    return readVersioned<T>(this.core, key, options);
  }

  /** Applies `update` to a versioned object's resolved value. */
  writeVersioned<T>(
    key: ObjectKey & { type: VersionedDataType },
    operation: WriteClass,
    update: (current: T | undefined, at: HlcTimestamp) => T,
    options: RequestOptions,
  ): Promise<WriteResult<T>> {
    return writeVersioned<T>(this.core, key, operation, update, options);
  }

  /** Open cases, oldest first. */
  listOpenCases(limit: number, cursor: string | undefined): Promise<CasePage> {
    return listOpenCases(this.core, limit, cursor);
  }

  /** Open cases of one object. */
  casesOf(key: ObjectKey): Promise<CaseRecord[]> {
    return casesOf(this.core, key);
  }

  /** Resolves a case with the value a person chose. */
  resolveCase<T>(
    ref: CaseRef & { type: VersionedDataType },
    operation: WriteClass,
    choose: (siblings: ReconciliationCase<T>) => T,
    options: RequestOptions,
  ): Promise<WriteResult<T> & { resolutionMs: number }> {
    return resolveCase<T>(this.core, ref, operation, choose, options);
  }
}
