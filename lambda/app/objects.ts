/** Reads and writes of objects: CRDTs (counters, sets) and versioned objects (profiles, carts, accounts). */
import { type WriteClass } from '../domain/catalog';
import type { Crdt, CrdtCodec } from '../domain/crdt/crdt';
import { type HlcTimestamp } from '../domain/hlc';
import {
  MERGE_REGISTRY,
  resolveSiblings,
  type VersionedDataType,
  type VersionedPolicy,
  type VersionedRead,
} from '../domain/merge-registry';
import { type ReconciliationCase } from '../domain/reconciliation';
import { mergeSlotItems, type ObjectKey, type SlotItem } from '../domain/storage-layout';
import {
  ServiceCore,
  mergedRegister,
  newestHlc,
  slotItem,
  resolvedValue,
  conflictAnnotation,
} from './core';
import { readAtLevel } from './reads';
import type { ReadResult, RequestOptions, Served, WriteResult } from './service-types';
import { writeObject } from './write-path';

/** Reads a CRDT object (counters, sets) at the requested consistency. */
export async function readCrdt<S extends Crdt<S>, V>(
  core: ServiceCore,
  key: ObjectKey,
  codec: CrdtCodec<S>,
  view: (state: S) => V,
  options: RequestOptions,
): Promise<ReadResult<V>> {
  const read = await readSlots(core, key, options);
  return {
    ...read.served,
    value: view(mergeSlotItems(codec, read.slots)),
    version: newestHlc(read.slots),
  };
}

/** Applies a CRDT operation in this region's slot (or the home's, when forwarded). */
export async function writeCrdt<S extends Crdt<S>, V>(
  core: ServiceCore,
  key: ObjectKey,
  operation: WriteClass,
  codec: CrdtCodec<S>,
  apply: (state: S, writingRegion: string) => S,
  view: (state: S) => V,
  options: RequestOptions,
): Promise<WriteResult<V>> {
  const observe = (slots: readonly SlotItem[]) => view(mergeSlotItems(codec, slots));
  return writeObject(core, key, operation, options, observe, (slots, clock, region) => {
    const state = mergeSlotItems(codec, slots);
    const hlc = core.stampAfter(clock, slots);
    const next = apply(state, region);
    const item = slotItem(key, region, codec.slotOf(next, region).serialize(), hlc, slots);
    return { kind: 'write', item, value: view(next), hlc };
  });
}

/** Reads a versioned object (profiles, carts, ledger accounts). */
export async function readVersioned<T>(
  core: ServiceCore,
  key: ObjectKey & { type: VersionedDataType },
  options: RequestOptions,
): Promise<ReadResult<VersionedRead<T>>> {
  const read = await readSlots(core, key, options);
  const policy = MERGE_REGISTRY.versionedPolicyOf(key.type) as unknown as VersionedPolicy<T>;
  const register = mergedRegister<T>(key.type, read.slots);
  return {
    ...read.served,
    value: resolveSiblings(policy, register),
    version: newestHlc(read.slots),
  };
}

/**
 * Applies `update` to a versioned object's resolved value. `update` receives the write's own
 * HLC stamp (profiles stamp each field with it; carts count units for its region). A
 * `reconcile` type whose versions conflict is blocked: the case is queued (once) and the write
 * refused with 409 until a person resolves it.
 */
export async function writeVersioned<T>(
  core: ServiceCore,
  key: ObjectKey & { type: VersionedDataType },
  operation: WriteClass,
  update: (current: T | undefined, at: HlcTimestamp) => T,
  options: RequestOptions,
): Promise<WriteResult<T>> {
  const policy = MERGE_REGISTRY.versionedPolicyOf(key.type) as unknown as VersionedPolicy<T>;
  return writeObject<T>(
    core,
    key,
    operation,
    options,
    resolvedValue(key, policy),
    (slots, clock, region) => {
      const register = mergedRegister<T>(key.type, slots);
      const before = resolveSiblings(policy, register);
      if (before.kind === 'conflict') {
        return {
          kind: 'blocked',
          reconciliation: before.reconciliation as ReconciliationCase<unknown>,
        };
      }
      // Receiving every sibling's stamp first orders this write after all of them.
      const hlc = core.stampAfter(clock, slots);
      const value = update(before.kind === 'value' ? before.value : undefined, hlc);
      const next = register.write(value, hlc);
      const item = slotItem(key, region, next.slotOf().serialize(), hlc, slots);
      const annotation =
        before.kind === 'value' && before.siblings > 1
          ? conflictAnnotation(register.siblings.map((sibling) => sibling.hlc))
          : undefined;
      return { kind: 'write', item, value, hlc, ...(annotation ? { annotation } : {}) };
    },
  );
}

/** Reads the object's slots at the requested consistency; says who served and how fresh. */
function readSlots(
  core: ServiceCore,
  key: ObjectKey,
  options: RequestOptions,
): Promise<{ slots: SlotItem[]; served: Served }> {
  return readAtLevel(
    {
      region: core.region,
      regions: core.deps.regions,
      replicas: core.deps.replicas,
      handoff: core.handoffDeps(),
      ownershipAt: async (tenantId, replica, consistent) =>
        (await core.ownershipAt(tenantId, replica, consistent)).ownership,
      guard: (region, call) => core.guard(region, call),
      localStaleness: () => core.localStaleness(),
    },
    key,
    options,
  );
}
