/** The write path every write takes: decide where it runs, catch up after a handoff, apply, fence, recognise a retry. */
import { randomUUID } from 'node:crypto';
import { WRITE_CLASS_SCOPES, type WriteClass } from '../domain/catalog';
import { formatHlc, HybridLogicalClock, parseHlc, type HlcTimestamp } from '../domain/hlc';
import { MERGE_REGISTRY, type VersionedDataType } from '../domain/merge-registry';
import { type Ownership } from '../domain/ownership';
import { type ReconciliationCase } from '../domain/reconciliation';
import { hasApplied, type ObjectKey, type SlotItem } from '../domain/storage-layout';
import type { ValueCodec } from '../domain/value-codec';
import { decideWrite, explainWriteDecision, isWritableInAnyRegion } from '../domain/write-decision';
import { writeContextOf } from '../domain/write-policy';
import { ServiceCore, newestHlc, withOperation } from './core';
import { AppError, conflict } from './errors';
import { slotsAfterHandoff } from './handoff';
import { newCaseRecord } from './items';
import type { CaseQueued, ConflictAnnotation, OwnerFence, RegionReplica } from './ports';
import type { RequestOptions, WriteResult } from './service-types';

/** The result of applying an update to the object's current slots. */
export type SlotUpdate<T> =
  | {
      readonly kind: 'write';
      readonly item: SlotItem;
      readonly value: T;
      readonly hlc: HlcTimestamp;
      readonly annotation?: ConflictAnnotation;
    }
  | { readonly kind: 'blocked'; readonly reconciliation: ReconciliationCase<unknown> };

/** The common write path: decide, pick the target replica, read-apply-write with retries. */
export async function writeObject<T>(
  core: ServiceCore,
  key: ObjectKey,
  operation: WriteClass,
  options: RequestOptions,
  observe: (slots: readonly SlotItem[]) => T,
  apply: (slots: SlotItem[], clock: HybridLogicalClock, region: string) => SlotUpdate<T>,
): Promise<WriteResult<T>> {
  const operationId = options.operationId ?? randomUUID();
  const local = core.deps.replicas(core.region);
  const { ownership } = await core.ownershipAt(key.tenantId, local, true);
  // After a DynamoDB call: its answer is how this region learns its clock is fixed.
  core.assertOwnClock(operation);
  const context = {
    ...writeContextOf(core.deps.policy, operation),
    home: ownership.home,
    operation,
    whenNotOwner: options.whenNotOwner,
  } as const;
  const decision = decideWrite(context);
  if (decision.kind === 'reject') {
    throw core.refuse(decision.owner, explainWriteDecision(decision, context), options);
  }
  const target = decision.kind === 'local' ? core.region : decision.owner;
  // Owner-only classes run at the home under its epoch: fenced, caught up after a handoff, and
  // stamped with the epoch. Other writes that had to go to an owner are fenced too, so a stale
  // view of ownership is refused rather than obeyed.
  const ownerOnly = WRITE_CLASS_SCOPES[operation] === 'owner-only';
  const fenced =
    ownerOnly || !isWritableInAnyRegion(context.phase, operation, context.limitedWriteClasses);
  const fence = fenced ? core.fenceOf(key.tenantId, ownership.epoch) : undefined;
  const replica = core.deps.replicas(target);
  const clock = core.clockFor(target);
  const alreadyApplied = (slots: readonly SlotItem[]) =>
    core.written(
      observe(slots),
      parseHlc(newestHlc(slots) ?? formatHlc(clock.now())),
      target,
      ownership,
      options,
    );
  if (options.readBack === true) {
    // The last attempt's outcome is unknown: it may have landed in any replica it reached.
    const everywhere = await core.readEverywhere(key);
    if (hasApplied(everywhere, operationId)) return alreadyApplied(everywhere);
  }

  for (let attempt = 1; attempt <= core.maxWriteAttempts; attempt += 1) {
    let slots = await core.guard(target, () => replica.readSlots(key, { consistent: true }));
    // A retry of a write that had committed (an SDK retry, a client retry with the same key)
    if (hasApplied(slots, operationId)) return alreadyApplied(slots);
    if (ownerOnly) {
      slots = await slotsAfterHandoff(core.handoffDeps(), key, target, ownership, slots);
    }
    const update = apply(slots, clock, target);
    if (update.kind === 'blocked') {
      const policy = MERGE_REGISTRY.versionedPolicyOf(key.type as VersionedDataType);
      const queued = await core.guard(target, () =>
        queueCase(
          core,
          key,
          update.reconciliation,
          policy.values as ValueCodec<unknown>,
          replica,
          core.fenceOf(key.tenantId, ownership.epoch),
        ),
      );
      if (queued === 'fenced') throw await movedOn(core, key.tenantId, replica, ownership, options);
      throw conflict(
        'reconciliation_pending',
        `${key.type} ${key.objectId} has ${update.reconciliation.siblings.length} concurrent versions waiting in reconciliation case ${update.reconciliation.caseId}; resolve it first`,
        { caseId: update.reconciliation.caseId, queued },
      );
    }
    const item = withOperation(
      ownerOnly ? { ...update.item, epoch: ownership.epoch } : update.item,
      operationId,
    );
    const written = await core.guard(target, () =>
      replica.writeSlot(item, {
        operationId,
        ...(fence ? { fence } : {}),
        ...(update.annotation ? { annotation: update.annotation } : {}),
      }),
    );
    if (written === 'written') {
      return core.written(update.value, update.hlc, target, ownership, options);
    }
    if (written === 'fenced') throw await movedOn(core, key.tenantId, replica, ownership, options);
  }
  throw conflict(
    'write_contention',
    `${key.type} ${key.objectId} was updated concurrently ${core.maxWriteAttempts} times in ${target}; retry`,
  );
}

/** The 421 for a write refused by the fence: the tenant's home moved on since it was read. */
async function movedOn(
  core: ServiceCore,
  tenantId: string,
  replica: RegionReplica,
  ownership: Ownership,
  options: RequestOptions,
): Promise<AppError> {
  const fresh = await core.guard(replica.region, () => core.ownershipAt(tenantId, replica, true));
  return core.refuse(
    fresh.ownership.home,
    `tenant ${tenantId} has a newer owner epoch ${fresh.ownership.epoch} than ${ownership.epoch} (a transfer is in flight); its home is ${fresh.ownership.home}`,
    options,
  );
}

/**
 * Queues the case of a conflicted `reconcile` object. Only the tenant's home writes case items,
 * under the owner epoch; a newer set of versions supersedes the open case (one per object).
 */
async function queueCase(
  core: ServiceCore,
  key: ObjectKey,
  reconciliation: ReconciliationCase<unknown>,
  codec: ValueCodec<unknown>,
  replica: RegionReplica,
  fence: OwnerFence,
): Promise<CaseQueued | 'fenced'> {
  return replica.putCase(
    newCaseRecord(key, reconciliation, codec, replica.region, core.deps.now()),
    fence,
  );
}
