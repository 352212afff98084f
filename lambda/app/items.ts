/**
 * How ownership slots and reconciliation cases are stored as items: one mapping, shared by the
 * DynamoDB adapter and the in-memory replicas, so both store exactly the same attributes.
 */
import type { DataType } from '../domain/catalog';
import { formatHlc, parseHlc } from '../domain/hlc';
import type { Ownership } from '../domain/ownership';
import { serializeCase, type ReconciliationCase } from '../domain/reconciliation';
import { caseKeyOf, ownershipSlotKeyOf, type ObjectKey } from '../domain/storage-layout';
import type { ValueCodec } from '../domain/value-codec';
import { OPEN_CASES_PARTITION } from './cursor';
import type { CaseRecord, IdempotencyRecord, OwnershipSlot, StoredResponse } from './ports';

/** The item of `region`'s ownership slot of a tenant (written only by `region`). */
export function ownershipItemOf(
  ownership: Ownership,
  region: string,
  rev: number,
): Record<string, unknown> {
  return {
    ...ownershipSlotKeyOf(ownership.tenantId, region),
    tenant: ownership.tenantId,
    writer: region,
    rev,
    home: ownership.home,
    epoch: ownership.epoch,
    hlc: formatHlc(ownership.hlc),
    ...(ownership.lost === undefined ? {} : { lost: ownership.lost }),
    ...(ownership.from === undefined ? {} : { from: ownership.from }),
    // the sparse index lists tenants whose home moved, newest last, for aactl status
    gsi1pk: MOVED_TENANTS_PARTITION,
    gsi1sk: `${String(ownership.hlc.wallMs).padStart(15, '0')}#${ownership.tenantId}`,
  };
}

/** Partition of the sparse index that lists tenants moved by a transfer or a takeover. */
export const MOVED_TENANTS_PARTITION = 'tenant#moved';

/** Reads an ownership slot item. */
export function ownershipSlotOf(item: Record<string, unknown>): OwnershipSlot {
  return {
    region: String(item.writer),
    rev: Number(item.rev),
    ownership: {
      tenantId: String(item.tenant),
      home: String(item.home),
      epoch: Number(item.epoch),
      hlc: parseHlc(item.hlc),
      ...(typeof item.lost === 'string' ? { lost: item.lost } : {}),
      ...(typeof item.from === 'string' ? { from: item.from } : {}),
    },
  };
}

/** The item of an open case, with its entry in the sparse open-cases index. */
export function openCaseItemOf(record: CaseRecord): Record<string, unknown> {
  const key = caseKeyOf(record);
  return {
    ...key,
    tenantId: record.tenantId,
    type: record.type,
    objectId: record.objectId,
    caseId: record.caseId,
    status: record.status,
    openedAtMs: record.openedAtMs,
    openedBy: record.openedBy,
    reconciliation: record.reconciliation,
    ...(record.supersedes && record.supersedes.length > 0
      ? { supersedes: [...record.supersedes] }
      : {}),
    gsi1pk: OPEN_CASES_PARTITION,
    // zero-padded so the index sorts cases oldest first
    gsi1sk: `${String(record.openedAtMs).padStart(15, '0')}#${key.pk}#${key.sk}`,
  };
}

/** The item of a resolved case: out of the open-cases index. */
export function resolvedCaseItemOf(
  record: CaseRecord,
  resolvedAtMs: number,
  resolvedHlc: string,
): Record<string, unknown> {
  const { gsi1pk: _partition, gsi1sk: _sort, ...rest } = openCaseItemOf(record);
  return { ...rest, status: 'resolved', resolvedAtMs, resolvedHlc };
}

/**
 * How an open case item changes when `next` (the object's current conflict) is queued: not at
 * all (`exists`), a new case, or the open case superseded (keeping when it was first opened).
 */
export function caseUpdateOf(
  current: CaseRecord | undefined,
  next: CaseRecord,
): { readonly outcome: 'created' | 'superseded' | 'exists'; readonly record: CaseRecord } {
  if (current === undefined || current.status === 'resolved') {
    return { outcome: 'created', record: next };
  }
  if (current.caseId === next.caseId) return { outcome: 'exists', record: current };
  return {
    outcome: 'superseded',
    record: {
      ...next,
      openedAtMs: current.openedAtMs,
      supersedes: [...(current.supersedes ?? []), current.caseId],
    },
  };
}

/** Reads a case item. */
export function caseRecordOf(item: Record<string, unknown>): CaseRecord {
  return {
    tenantId: String(item.tenantId),
    type: String(item.type) as DataType,
    objectId: String(item.objectId),
    caseId: String(item.caseId),
    status: item.status === 'resolved' ? 'resolved' : 'open',
    openedAtMs: Number(item.openedAtMs),
    openedBy: String(item.openedBy),
    reconciliation: item.reconciliation as CaseRecord['reconciliation'],
    ...(item.resolvedAtMs === undefined ? {} : { resolvedAtMs: Number(item.resolvedAtMs) }),
    ...(item.resolvedHlc === undefined ? {} : { resolvedHlc: String(item.resolvedHlc) }),
    ...(Array.isArray(item.supersedes) ? { supersedes: item.supersedes.map(String) } : {}),
  };
}

/** A claim item as a record. */
export function recordOf(item: Record<string, unknown>): IdempotencyRecord | undefined {
  const status = item.status;
  if (status !== 'in-progress' && status !== 'completed' && status !== 'outcome-unknown')
    return undefined;
  return {
    status,
    fingerprint: String(item.fingerprint),
    ...(item.response === undefined ? {} : { response: item.response as StoredResponse }),
  };
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

/** Open cases, oldest first, from this region's replica (cases replicate everywhere). */
