/**
 * Observed-remove set, add-wins, without tombstones (an "ORSWOT"). Every add is tagged with a dot
 * (region, counter); a remove drops the dots it has observed. The state carries a causal context
 * (a version vector of every dot it has seen), so a dot missing from the entries but covered by the
 * context is known to be removed: no per-element tombstones, and the context holds one number per
 * region. An add concurrent with a remove survives, because the remove never saw its dot.
 *
 * The context stays a plain version vector because replicas exchange whole states and each region
 * mints its dots in order from a state that holds all its earlier dots (its own slot item).
 */
import {
  assertRegionId,
  compareStrings,
  describe,
  expectCount,
  expectNonEmptyString,
  expectObject,
} from '../json';
import { VersionVector } from '../version-vector';
import type { Crdt, CrdtCodec } from './crdt';

/** Serialized OR-Set: `c` is the causal context, `e` maps each element to its dots (region -> counter). */
export interface ORSetJson {
  [key: string]: Record<string, number> | Record<string, Record<string, number>>;
  c: Record<string, number>;
  e: Record<string, Record<string, number>>;
}

/** Dots of one element: region -> counter (at most one live dot per region). */
type Dots = ReadonlyMap<string, number>;

/** An immutable add-wins observed-remove set of strings. */
export class ORSet implements Crdt<ORSet> {
  private static readonly EMPTY = new ORSet(new Map(), VersionVector.empty());

  private constructor(
    private readonly entries: ReadonlyMap<string, Dots>,
    /** Every dot this state has seen, added or removed. */
    readonly context: VersionVector,
  ) {}

  /** The empty set. */
  static empty(): ORSet {
    return ORSet.EMPTY;
  }

  /** Reads the serialized form, checking that every dot lies within the causal context. */
  static deserialize(json: unknown): ORSet {
    const object = expectObject(json, 'or-set state');
    const context = VersionVector.deserialize(object.c ?? {}, 'or-set context');
    const entries = new Map<string, Dots>();
    for (const [element, rawDots] of Object.entries(
      expectObject(object.e ?? {}, 'or-set entries'),
    )) {
      expectNonEmptyString(element, 'or-set element');
      const dots = new Map<string, number>();
      for (const [region, counter] of Object.entries(
        expectObject(rawDots, `or-set dots of ${describe(element)}`),
      )) {
        assertRegionId(region, `or-set dot region of ${describe(element)}`);
        expectCount(counter, `or-set dot counter of ${describe(element)}`);
        if (counter === 0 || !context.covers(region, counter as number)) {
          throw new Error(
            `or-set dot ${region}:${String(counter)} of ${describe(element)} lies outside the causal context (${region}:${context.get(region)}); the state is corrupt, rebuild it from the other regions' slots`,
          );
        }
        dots.set(region, counter as number);
      }
      if (dots.size > 0) {
        entries.set(element, dots);
      }
    }
    return new ORSet(entries, context);
  }

  /** Whether `element` is in the set. */
  has(element: string): boolean {
    return this.entries.has(element);
  }

  /** Number of elements. */
  get size(): number {
    return this.entries.size;
  }

  /** The elements, sorted. */
  values(): string[] {
    return [...this.entries.keys()].sort(compareStrings);
  }

  /** The dots currently supporting `element` (region -> counter). */
  dotsOf(element: string): ReadonlyMap<string, number> {
    return this.entries.get(element) ?? new Map();
  }

  /**
   * Adds `element` on behalf of `region` with a fresh dot. Dots of the element this state already
   * holds are dropped: the context covers them, so other replicas treat them as superseded.
   */
  add(element: string, region: string): ORSet {
    expectNonEmptyString(element, 'or-set element');
    assertRegionId(region);
    const counter = this.context.get(region) + 1;
    const entries = new Map(this.entries);
    entries.set(element, new Map([[region, counter]]));
    return new ORSet(entries, this.context.with(region, counter));
  }

  /** Removes `element`: drops the dots this state has observed (a concurrent add still wins). */
  remove(element: string): ORSet {
    if (!this.entries.has(element)) {
      return this;
    }
    const entries = new Map(this.entries);
    entries.delete(element);
    return new ORSet(entries, this.context);
  }

  merge(other: ORSet): ORSet {
    if (other === this) {
      return this;
    }
    const entries = new Map<string, Dots>();
    for (const [element, mine] of this.entries) {
      const kept = mergeDots(mine, other.entries.get(element), this.context, other.context);
      if (kept !== undefined) {
        entries.set(element, kept);
      }
    }
    for (const [element, theirs] of other.entries) {
      if (!this.entries.has(element)) {
        const kept = mergeDots(undefined, theirs, this.context, other.context);
        if (kept !== undefined) {
          entries.set(element, kept);
        }
      }
    }
    return new ORSet(entries, this.context.merge(other.context));
  }

  /** A region stores the whole state in its slot (removes must travel with the context). */
  slotOf(): ORSet {
    return this;
  }

  equals(other: ORSet): boolean {
    if (this.entries.size !== other.entries.size || !this.context.equals(other.context)) {
      return false;
    }
    for (const [element, dots] of this.entries) {
      const theirs = other.entries.get(element);
      if (theirs === undefined || !sameDots(dots, theirs)) {
        return false;
      }
    }
    return true;
  }

  serialize(): ORSetJson {
    // fromEntries defines own properties, so an element named "__proto__" stays an element.
    const e = Object.fromEntries(
      this.values().map((element) => {
        const dots = this.entries.get(element) ?? new Map<string, number>();
        return [element, Object.fromEntries([...dots].sort(([a], [b]) => compareStrings(a, b)))];
      }),
    );
    return { c: this.context.serialize(), e };
  }
}

/**
 * Dots of one element after a merge: a dot survives if both sides hold it, or if one side holds it
 * and the other has never seen it. A dot one side has seen but no longer holds was removed there.
 */
function mergeDots(
  mine: Dots | undefined,
  theirs: Dots | undefined,
  myContext: VersionVector,
  theirContext: VersionVector,
): Dots | undefined {
  if (mine !== undefined && theirs !== undefined && sameDots(mine, theirs)) {
    return mine;
  }
  const kept = new Map<string, number>();
  if (mine !== undefined) {
    for (const [region, counter] of mine) {
      if (theirs?.get(region) === counter || !theirContext.covers(region, counter)) {
        kept.set(region, counter);
      }
    }
  }
  if (theirs !== undefined) {
    for (const [region, counter] of theirs) {
      if (mine?.get(region) !== counter && !myContext.covers(region, counter)) {
        kept.set(region, counter);
      }
    }
  }
  return kept.size > 0 ? kept : undefined;
}

function sameDots(a: Dots, b: Dots): boolean {
  if (a === b) {
    return true;
  }
  if (a.size !== b.size) {
    return false;
  }
  for (const [region, counter] of a) {
    if (b.get(region) !== counter) {
      return false;
    }
  }
  return true;
}

/** Codec of OR-Set states. */
export const OR_SET: CrdtCodec<ORSet> = {
  name: 'or-set',
  empty: () => ORSet.empty(),
  deserialize: (json) => ORSet.deserialize(json),
  slotOf: (state) => state.slotOf(),
};
