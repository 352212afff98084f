/**
 * Version vectors: per region, how many of that region's updates a state has seen. Comparing two
 * tells whether one state already contains the other (`before` / `after`), both are the same
 * (`equal`), or each holds updates the other lacks (`concurrent`: a conflict to resolve).
 */
import { SortedCounts, type CausalOrder } from './crdt/sorted-counts';
import { assertRegionId, expectCount, expectObject } from './json';

/** How two version vectors relate. */
export type { CausalOrder } from './crdt/sorted-counts';

/** Serialized form: region id -> count; regions at 0 are omitted. */
export type VersionVectorJson = Record<string, number>;

/** An immutable version vector. */
export class VersionVector {
  private static readonly EMPTY = new VersionVector(SortedCounts.empty());

  private constructor(private readonly counts: SortedCounts) {}

  /** The vector that has seen nothing. */
  static empty(): VersionVector {
    return VersionVector.EMPTY;
  }

  /** Builds a vector from region counts (zeros are dropped). */
  static of(counts: Readonly<Record<string, number>>): VersionVector {
    return VersionVector.deserialize(counts);
  }

  /** Reads the serialized form, checking every entry. */
  static deserialize(json: unknown, what = 'version vector'): VersionVector {
    const entries = Object.entries(expectObject(json, what)).map(
      ([region, count]): [string, number] => {
        assertRegionId(region, `${what} region`);
        return [region, expectCount(count, `${what} count for ${region}`)];
      },
    );
    return entries.length === 0
      ? VersionVector.EMPTY
      : new VersionVector(SortedCounts.fromEntries(entries));
  }

  /** How many updates of `region` this vector has seen. */
  get(region: string): number {
    return this.counts.get(region);
  }

  /** Regions with a non-zero count, sorted. */
  get regions(): readonly string[] {
    return this.counts.keys;
  }

  /** This vector with `region` advanced by one. */
  increment(region: string): VersionVector {
    assertRegionId(region);
    return new VersionVector(this.counts.with(region, this.get(region) + 1));
  }

  /** This vector with `region` raised to `count` (never lowered: a vector only grows). */
  with(region: string, count: number): VersionVector {
    return count <= this.get(region) ? this : new VersionVector(this.counts.with(region, count));
  }

  /** Pointwise maximum: everything either vector has seen. */
  merge(other: VersionVector): VersionVector {
    const merged = this.counts.max(other.counts);
    return merged === this.counts
      ? this
      : merged === other.counts
        ? other
        : new VersionVector(merged);
  }

  /** How this vector relates to `other`. */
  compare(other: VersionVector): CausalOrder {
    return this.counts.compare(other.counts);
  }

  /** Whether this vector has seen everything `other` has (`after` or `equal`). */
  dominates(other: VersionVector): boolean {
    const order = this.compare(other);
    return order === 'after' || order === 'equal';
  }

  /** Whether this vector has seen update number `counter` of `region`. */
  covers(region: string, counter: number): boolean {
    return counter <= this.counts.get(region);
  }

  /**
   * `covers` for queries in non-decreasing region order (a merge join): linear over a whole pass
   * instead of a binary search per query.
   */
  forwardCovers(): (region: string, counter: number) => boolean {
    const lookup = this.counts.forwardLookup();
    return (region, counter) => counter <= lookup(region);
  }

  /** Whether both vectors have seen exactly the same updates. */
  equals(other: VersionVector): boolean {
    return this.counts.equals(other.counts);
  }

  /** Serialized form, regions sorted. */
  serialize(): VersionVectorJson {
    return this.counts.toJson();
  }

  toString(): string {
    return JSON.stringify(this.serialize());
  }
}
