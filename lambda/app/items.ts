/**
 * How ownership slots and reconciliation cases are stored as items: one mapping, shared by the
 * DynamoDB adapter and the in-memory replicas, so both store exactly the same attributes.
 */
import type { DataType } from '../domain/catalog';
import { formatHlc, parseHlc } from '../domain/hlc';
import type { Ownership } from '../domain/ownership';
import { caseKeyOf, ownershipSlotKeyOf } from '../domain/storage-layout';
import { OPEN_CASES_PARTITION } from './cursor';
import type { CaseRecord, OwnershipSlot } from './ports';

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
  };
}

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
    },
  };
}

/** The item of an open case, with its entry in the sparse open-cases index. */
export function openCaseItemOf(record: CaseRecord): Record<string, unknown> {
  const key = caseKeyOf(record, record.caseId);
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
    gsi1pk: OPEN_CASES_PARTITION,
    // zero-padded so the index sorts cases oldest first
    gsi1sk: `${String(record.openedAtMs).padStart(15, '0')}#${key.pk}#${key.sk}`,
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
  };
}
