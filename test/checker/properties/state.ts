/**
 * What the properties (./*.ts) judge: a recorded history and the final state after every fault
 * healed and every mutation was delivered. Each check returns the violations it found, as lines a
 * person can act on; an empty list means the property held.
 *
 * Real-time order is the world's step: `a` precedes `b` when `a.end.step < b.start.step`. An
 * operation "took effect" when acknowledged (2xx), certainly did not when refused (4xx), and
 * nobody can tell when it answered 5xx or threw (outcome unknown).
 */
import type { Operation } from '../history';
import { keyedCounterOf } from '../session';

/** The final state, read after quiescence. */
export interface FinalState {
  /** Object path -> region -> the answer of a `local` read there. */
  readonly reads: ReadonlyMap<
    string,
    ReadonlyMap<string, { status: number; body: Record<string, unknown> }>
  >;
  /** Region -> every item of its replica, as one string. */
  readonly snapshots: ReadonlyMap<string, string>;
}

/** The facts about the world the properties need. */
export interface WorldFacts {
  readonly regions: readonly string[];
  readonly maxSkewMs: number;
  /** Each region's clock offset over time (step from which it held). */
  readonly clockOffsets: ReadonlyArray<{ step: number; region: string; offsetMs: number }>;
}

/** The path of one object of the API. */
export const objectPath = (tenant: string, collection: string, id: string) =>
  `/v1/tenants/${tenant}/${collection}/${id}`;

/** The body of the first final `local` read of `path`, when it was a 200. */
export function finalBody(final: FinalState, path: string): Record<string, unknown> | undefined {
  const first = final.reads.get(path)?.values().next().value;
  return first?.status === 200 ? first.body : undefined;
}

/** Subset sums of small numbers (the possible effects of unknown outcomes). */
export function subsetSums(values: readonly number[]): Set<number> {
  let sums = new Set<number>([0]);
  for (const value of values) sums = new Set([...sums, ...[...sums].map((sum) => sum + value)]);
  return sums;
}

/** The object path a client op writes or reads. */
export function pathOf(operation: Operation): string | undefined {
  const op = operation.op;
  switch (op.kind) {
    case 'counter.add':
      return objectPath(op.tenant, 'counters', op.counter);
    case 'counter.add-keyed':
      return objectPath(op.tenant, 'counters', keyedCounterOf(op.key));
    case 'set.add':
    case 'set.remove':
      return objectPath(op.tenant, 'sets', op.set);
    case 'profile.patch':
      return objectPath(op.tenant, 'profiles', op.profile);
    case 'ledger.entry':
      return objectPath(op.tenant, 'accounts', op.account);
    case 'read':
      return objectPath(
        op.tenant,
        { counter: 'counters', set: 'sets', profile: 'profiles', account: 'accounts' }[op.type],
        op.id,
      );
    default:
      return undefined;
  }
}
