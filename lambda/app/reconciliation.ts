/** Reconciliation cases: queued for a person when money has concurrent versions, resolved by one. */
import { type WriteClass } from '../domain/catalog';
import {
  MERGE_REGISTRY,
  type VersionedDataType,
  type VersionedPolicy,
} from '../domain/merge-registry';
import {
  openCase,
  resolveCase as resolveRegisterCase,
  type ReconciliationCase,
} from '../domain/reconciliation';
import { type ObjectKey } from '../domain/storage-layout';
import { ServiceCore, mergedRegister, slotItem, resolvedValue, conflictAnnotation } from './core';
import { conflict, notFound } from './errors';
import type { CaseRecord, CaseRef } from './ports';
import type { RequestOptions, WriteResult } from './service-types';
import { writeObject } from './write-path';

export async function listOpenCases(core: ServiceCore, limit: number, cursor: string | undefined) {
  return core.deps.replicas(core.region).listOpenCases(limit, cursor);
}

/** Open cases of one object. */
export async function casesOf(core: ServiceCore, key: ObjectKey): Promise<CaseRecord[]> {
  return core.deps.replicas(core.region).listObjectCases(key);
}

/**
 * Resolves a case with the value a person chose: writes it as one version that has seen every
 * sibling (at the tenant's home, fenced by its epoch) and closes the case.
 */
export async function resolveCase<T>(
  core: ServiceCore,
  ref: CaseRef & { type: VersionedDataType },
  operation: WriteClass,
  choose: (siblings: ReconciliationCase<T>) => T,
  options: RequestOptions,
): Promise<WriteResult<T> & { resolutionMs: number }> {
  // Cases are written by the tenant's home: read the case there, where it certainly exists.
  const local = core.deps.replicas(core.region);
  const { ownership } = await core.ownershipAt(ref.tenantId, local, true);
  const record = await core.guard(ownership.home, () =>
    core.deps.replicas(ownership.home).getCase(ref, { consistent: true }),
  );
  if (
    record === undefined ||
    (record.caseId !== ref.caseId && !(record.supersedes ?? []).includes(ref.caseId))
  ) {
    throw notFound(
      `reconciliation case ${ref.caseId} of ${ref.type} ${ref.objectId} does not exist`,
    );
  }
  if (record.caseId !== ref.caseId && record.status === 'open') {
    throw conflict(
      'case_stale',
      `reconciliation case ${ref.caseId} was superseded by ${record.caseId}, which holds newer versions; review it again`,
    );
  }
  if (record.status !== 'open') {
    throw conflict('case_closed', `reconciliation case ${ref.caseId} is already resolved`);
  }
  const key: ObjectKey & { type: VersionedDataType } = {
    tenantId: ref.tenantId,
    type: ref.type,
    objectId: ref.objectId,
  };
  let target = core.region;
  const policy = MERGE_REGISTRY.versionedPolicyOf(key.type) as unknown as VersionedPolicy<T>;
  const result = await writeObject<T>(
    core,
    key,
    operation,
    options,
    resolvedValue(key, policy),
    (slots, clock, region) => {
      target = region;
      const register = mergedRegister<T>(key.type, slots);
      const current = openCase(register);
      if (current === undefined || current.caseId !== ref.caseId) {
        throw conflict(
          'case_stale',
          current === undefined
            ? `reconciliation case ${ref.caseId} is no longer open in ${region}; reload it`
            : `reconciliation case ${ref.caseId} is stale: the object's conflict is now ${current.caseId}; review it again`,
        );
      }
      const chosen = choose(current as ReconciliationCase<T>);
      const hlc = core.stampAfter(clock, slots);
      const next = resolveRegisterCase(register, ref.caseId, chosen, hlc);
      const item = slotItem(key, region, next.slotOf().serialize(), hlc, slots);
      return {
        kind: 'write',
        item,
        value: chosen,
        hlc,
        annotation: conflictAnnotation(register.siblings.map((sibling) => sibling.hlc)),
      };
    },
  );
  const resolvedAtMs = core.deps.now();
  await core.guard(target, () =>
    core.deps
      .replicas(target)
      .closeCase(ref, resolvedAtMs, result.version, core.fenceOf(ref.tenantId, result.ownerEpoch)),
  );
  return { ...result, resolutionMs: Math.max(0, resolvedAtMs - record.openedAtMs) };
}
