/**
 * Grow-only counter: one non-negative count per region; the value is their sum; merge takes the
 * maximum per region. Each region only ever raises its own entry, so no increment is lost.
 */
import { assertRegionId, describeValue, expectCount, expectObject } from '../json';
import type { Crdt, CrdtCodec } from './crdt';
import { SortedCounts } from './sorted-counts';

/** Serialized G-Counter: region id -> that region's count. */
export type GCounterJson = Record<string, number>;

/** An immutable grow-only counter. */
export class GCounter implements Crdt<GCounter> {
  private static readonly EMPTY = new GCounter(SortedCounts.empty());

  private constructor(private readonly counts: SortedCounts) {}

  /** The zero counter. */
  static empty(): GCounter {
    return GCounter.EMPTY;
  }

  /** Reads the serialized form. */
  static deserialize(json: unknown): GCounter {
    const entries = Object.entries(expectObject(json, 'g-counter state')).map(
      ([region, count]): [string, number] => {
        assertRegionId(region, 'g-counter region');
        return [region, expectCount(count, `g-counter count for ${region}`)];
      },
    );
    return entries.length === 0 ? GCounter.EMPTY : new GCounter(SortedCounts.fromEntries(entries));
  }

  /** The counter's value: the sum over regions. */
  get value(): number {
    return this.counts.sum();
  }

  /** Regions with a non-zero count, sorted. */
  get regions(): readonly string[] {
    return this.counts.keys;
  }

  /** The count contributed by `region`. */
  countOf(region: string): number {
    return this.counts.get(region);
  }

  /** Adds `amount` (a positive integer) on behalf of `region`. */
  increment(region: string, amount = 1): GCounter {
    assertRegionId(region);
    if (!Number.isSafeInteger(amount) || amount < 1) {
      throw new Error(
        `g-counter increment must be a positive integer, got ${describeValue(amount)}; use a pn-counter to decrement`,
      );
    }
    const next = this.countOf(region) + amount;
    if (!Number.isSafeInteger(next)) {
      throw new Error(`g-counter count for ${region} would exceed ${Number.MAX_SAFE_INTEGER}`);
    }
    return new GCounter(this.counts.with(region, next));
  }

  merge(other: GCounter): GCounter {
    const merged = this.counts.max(other.counts);
    return merged === this.counts ? this : merged === other.counts ? other : new GCounter(merged);
  }

  /** Only `region`'s own entry: what that region stores in its slot. */
  slotOf(region: string): GCounter {
    const count = this.countOf(region);
    return count === 0 ? GCounter.EMPTY : new GCounter(SortedCounts.fromEntries([[region, count]]));
  }

  equals(other: GCounter): boolean {
    return this.counts.equals(other.counts);
  }

  serialize(): GCounterJson {
    return this.counts.toJson();
  }
}

/** Codec of G-Counter states. */
export const G_COUNTER: CrdtCodec<GCounter> = {
  name: 'g-counter',
  empty: () => GCounter.empty(),
  deserialize: (json) => GCounter.deserialize(json),
  slotOf: (state, region) => state.slotOf(region),
};
