/**
 * Grow-only counter: one non-negative count per region; the value is their sum; merge takes the
 * maximum per region. Each region only ever raises its own entry, so no increment is lost.
 */
import { assertRegionId, describe, expectCount, expectObject, sortedKeys } from '../json';
import type { Crdt, CrdtCodec } from './crdt';

/** Serialized G-Counter: region id -> that region's count. */
export type GCounterJson = Record<string, number>;

/** An immutable grow-only counter. */
export class GCounter implements Crdt<GCounter> {
  private static readonly EMPTY = new GCounter(new Map());

  private constructor(private readonly counts: ReadonlyMap<string, number>) {}

  /** The zero counter. */
  static empty(): GCounter {
    return GCounter.EMPTY;
  }

  /** Reads the serialized form. */
  static deserialize(json: unknown): GCounter {
    const counts = new Map<string, number>();
    for (const [region, count] of Object.entries(expectObject(json, 'g-counter state'))) {
      assertRegionId(region, 'g-counter region');
      if (expectCount(count, `g-counter count for ${region}`) > 0) {
        counts.set(region, count as number);
      }
    }
    return new GCounter(counts);
  }

  /** The counter's value: the sum over regions. */
  get value(): number {
    let sum = 0;
    for (const count of this.counts.values()) {
      sum += count;
    }
    return sum;
  }

  /** Regions with a non-zero count, sorted. */
  get regions(): string[] {
    return sortedKeys(this.counts);
  }

  /** The count contributed by `region`. */
  countOf(region: string): number {
    return this.counts.get(region) ?? 0;
  }

  /** Adds `amount` (a positive integer) on behalf of `region`. */
  increment(region: string, amount = 1): GCounter {
    assertRegionId(region);
    if (!Number.isSafeInteger(amount) || amount < 1) {
      throw new Error(
        `g-counter increment must be a positive integer, got ${describe(amount)}; use a pn-counter to decrement`,
      );
    }
    const next = this.countOf(region) + amount;
    if (!Number.isSafeInteger(next)) {
      throw new Error(`g-counter count for ${region} would exceed ${Number.MAX_SAFE_INTEGER}`);
    }
    const counts = new Map(this.counts);
    counts.set(region, next);
    return new GCounter(counts);
  }

  merge(other: GCounter): GCounter {
    if (other === this || other.counts.size === 0) {
      return this;
    }
    if (this.counts.size === 0) {
      return other;
    }
    const counts = new Map(this.counts);
    for (const [region, count] of other.counts) {
      if (count > (counts.get(region) ?? 0)) {
        counts.set(region, count);
      }
    }
    return new GCounter(counts);
  }

  /** Only `region`'s own entry: what that region stores in its slot. */
  slotOf(region: string): GCounter {
    const count = this.countOf(region);
    return count === 0 ? GCounter.EMPTY : new GCounter(new Map([[region, count]]));
  }

  equals(other: GCounter): boolean {
    if (this.counts.size !== other.counts.size) {
      return false;
    }
    for (const [region, count] of this.counts) {
      if (other.counts.get(region) !== count) {
        return false;
      }
    }
    return true;
  }

  serialize(): GCounterJson {
    const json: GCounterJson = {};
    for (const region of this.regions) {
      json[region] = this.countOf(region);
    }
    return json;
  }
}

/** Codec of G-Counter states. */
export const G_COUNTER: CrdtCodec<GCounter> = {
  name: 'g-counter',
  empty: () => GCounter.empty(),
  deserialize: (json) => GCounter.deserialize(json),
  slotOf: (state, region) => state.slotOf(region),
};
