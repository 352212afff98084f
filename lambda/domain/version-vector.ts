/**
 * Version vectors: per region, how many of that region's updates a state has seen. Comparing two
 * tells whether one state already contains the other (`before` / `after`), both are the same
 * (`equal`), or each holds updates the other lacks (`concurrent`: a conflict to resolve).
 */
import { assertRegionId, expectCount, expectObject, sortedKeys } from './json';

/** How two version vectors relate. */
export type CausalOrder = 'equal' | 'before' | 'after' | 'concurrent';

/** Serialized form: region id -> count; regions at 0 are omitted. */
export type VersionVectorJson = Record<string, number>;

/** An immutable version vector. */
export class VersionVector {
  private static readonly EMPTY = new VersionVector(new Map());

  private constructor(private readonly counts: ReadonlyMap<string, number>) {}

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
    const counts = new Map<string, number>();
    for (const [region, count] of Object.entries(expectObject(json, what))) {
      assertRegionId(region, `${what} region`);
      if (expectCount(count, `${what} count for ${region}`) > 0) {
        counts.set(region, count as number);
      }
    }
    return new VersionVector(counts);
  }

  /** How many updates of `region` this vector has seen. */
  get(region: string): number {
    return this.counts.get(region) ?? 0;
  }

  /** Regions with a non-zero count, sorted. */
  get regions(): string[] {
    return sortedKeys(this.counts);
  }

  /** This vector with `region` advanced by one. */
  increment(region: string): VersionVector {
    assertRegionId(region);
    return this.with(region, this.get(region) + 1);
  }

  /** This vector with `region` set to `count` (never lowered: a vector only grows). */
  with(region: string, count: number): VersionVector {
    if (count <= this.get(region)) {
      return this;
    }
    const counts = new Map(this.counts);
    counts.set(region, count);
    return new VersionVector(counts);
  }

  /** Pointwise maximum: everything either vector has seen. */
  merge(other: VersionVector): VersionVector {
    if (other.counts.size === 0 || other === this) {
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
    return new VersionVector(counts);
  }

  /** How this vector relates to `other`. */
  compare(other: VersionVector): CausalOrder {
    let less = false;
    let greater = false;
    for (const region of new Set([...this.counts.keys(), ...other.counts.keys()])) {
      const mine = this.get(region);
      const theirs = other.get(region);
      less ||= mine < theirs;
      greater ||= mine > theirs;
    }
    if (less && greater) {
      return 'concurrent';
    }
    return less ? 'before' : greater ? 'after' : 'equal';
  }

  /** Whether this vector has seen everything `other` has (`after` or `equal`). */
  dominates(other: VersionVector): boolean {
    const order = this.compare(other);
    return order === 'after' || order === 'equal';
  }

  /** Whether this vector has seen update number `counter` of `region`. */
  covers(region: string, counter: number): boolean {
    return counter <= this.get(region);
  }

  /** Whether both vectors have seen exactly the same updates. */
  equals(other: VersionVector): boolean {
    return this.compare(other) === 'equal';
  }

  /** Serialized form, regions sorted. */
  serialize(): VersionVectorJson {
    const json: VersionVectorJson = {};
    for (const region of this.regions) {
      json[region] = this.get(region);
    }
    return json;
  }

  toString(): string {
    return JSON.stringify(this.serialize());
  }
}

/** Compares two version vectors: `equal`, `before`, `after` or `concurrent`. */
export function compareVersionVectors(a: VersionVector, b: VersionVector): CausalOrder {
  return a.compare(b);
}
