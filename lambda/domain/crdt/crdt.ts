/**
 * What every state-based CRDT here offers. `merge` is commutative, associative and idempotent, so
 * replicas that have seen the same updates hold equal states whatever the delivery order.
 */
import type { JsonValue } from '../json';

/** A CRDT state. Instances are immutable: operations return a new state. */
export interface Crdt<S> {
  /** Least upper bound of two states. */
  merge(other: S): S;
  /** Whether two states are equal (same serialized form). */
  equals(other: S): boolean;
  /** Compact JSON-able form that fits a DynamoDB item. */
  serialize(): JsonValue;
}

/** Static side of a CRDT: how to make, read and slot its states. */
export interface CrdtCodec<S> {
  /** Name used in error messages. */
  readonly name: string;
  /** The state with no updates. */
  empty(): S;
  /** Reads a serialized state, checking its invariants; throws a clear error otherwise. */
  deserialize(json: unknown): S;
  /**
   * The part of `state` region `region` must store in its own slot item. Merging every region's
   * slot gives back the full state. Counters keep only the region's own entry (so a slot can be
   * updated with an atomic ADD); other types store their whole state.
   */
  slotOf(state: S, region: string): S;
}

/** Merges any number of states (the empty state when there are none). */
export function mergeAll<S extends Crdt<S>>(codec: CrdtCodec<S>, states: Iterable<S>): S {
  let merged: S | undefined;
  for (const state of states) {
    merged = merged === undefined ? state : merged.merge(state);
  }
  return merged ?? codec.empty();
}
