/**
 * Histories of replicas for property tests. CRDT states must come from real histories (a random
 * map of dots may break invariants no real execution can), so arbitraries generate a sequence of
 * operations and merges over one replica per region and collect every state along the way.
 */
import fc from 'fast-check';
import { HybridLogicalClock, type HlcTimestamp } from '../../../../lambda/domain/hlc';

/** Regions used by the tests (one replica each). */
export const TEST_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;

/** One step of a history. */
export type Step<Op> =
  | { readonly kind: 'op'; readonly replica: number; readonly op: Op }
  | { readonly kind: 'merge'; readonly from: number; readonly into: number }
  | { readonly kind: 'tick'; readonly ms: number };

/** Arbitrary histories of up to `maxSteps` steps over `TEST_REGIONS`. */
export function historyArb<Op>(opArb: fc.Arbitrary<Op>, maxSteps = 24): fc.Arbitrary<Step<Op>[]> {
  const replica = fc.nat({ max: TEST_REGIONS.length - 1 });
  return fc.array(
    fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('op' as const), replica, op: opArb }) },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('merge' as const), from: replica, into: replica }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.nat({ max: 20 }) }),
      },
    ),
    { maxLength: maxSteps },
  );
}

/** What a history needs to know about a state type. */
export interface HistoryModel<S, Op> {
  readonly empty: S;
  apply(state: S, op: Op, region: string, clock: HybridLogicalClock): S;
  merge(into: S, from: S): S;
}

/** Runs a history and returns every state it produced (the initial empty state included). */
export function runHistory<S, Op>(model: HistoryModel<S, Op>, steps: readonly Step<Op>[]): S[] {
  let now = 1_700_000_000_000;
  const clocks = TEST_REGIONS.map(
    (region, index) => new HybridLogicalClock({ region, wallClock: () => now + index * 3 }),
  );
  const replicas: S[] = TEST_REGIONS.map(() => model.empty);
  const states: S[] = [model.empty];
  for (const step of steps) {
    if (step.kind === 'tick') {
      now += step.ms;
      continue;
    }
    const index = step.kind === 'op' ? step.replica : step.into;
    const current = replicas[index] as S;
    const next =
      step.kind === 'op'
        ? model.apply(
            current,
            step.op,
            TEST_REGIONS[index] as string,
            clocks[index] as HybridLogicalClock,
          )
        : model.merge(current, replicas[step.from] as S);
    replicas[index] = next;
    states.push(next);
  }
  return states;
}

/** Three states from one history (indices wrap around the states produced). */
export function tripleArb<S, Op>(
  model: HistoryModel<S, Op>,
  opArb: fc.Arbitrary<Op>,
): fc.Arbitrary<[S, S, S]> {
  return fc.tuple(historyArb(opArb), fc.nat(), fc.nat(), fc.nat()).map(([steps, i, j, k]) => {
    const states = runHistory(model, steps);
    const pick = (n: number): S => states[n % states.length] as S;
    return [pick(i), pick(j), pick(k)];
  });
}

/** Receives every stamp before stamping, as a handler does after reading remote data. */
export function stampAfter(clock: HybridLogicalClock, seen: readonly HlcTimestamp[]): HlcTimestamp {
  for (const stamp of seen) {
    clock.receive(stamp);
  }
  return clock.now();
}
