/**
 * Ports the domain needs from storage; `lambda/adapters` implements them on DynamoDB (and the local
 * sandbox in memory). Domain functions stay synchronous and pure; handlers call these ports.
 */
import type { ObjectKey, SlotItem } from './storage-layout';

/** Outcome of a conditional slot write. */
export type SlotWriteResult = 'written' | 'revision-conflict';

/** One region's replica of the global table, seen through the slot layout. */
export interface ReplicaStore {
  /** Region of this replica. */
  readonly region: string;
  /**
   * Every slot of one object as this replica holds it (a Query on the object's `pk`).
   * `consistent` asks for a strongly consistent read of this replica.
   */
  readSlots(
    key: ObjectKey,
    options?: { readonly consistent?: boolean },
  ): Promise<readonly SlotItem[]>;
  /**
   * Writes this region's own slot under `slotWriteCondition(item)`; answers `revision-conflict`
   * when another invocation in this region wrote it first (re-read, re-apply, retry).
   */
  writeSlot(item: SlotItem): Promise<SlotWriteResult>;
}
