/**
 * Observed-remove set, add-wins, without tombstones (an "ORSWOT"). Every add is tagged with a dot
 * (region, counter); a remove drops the dots it has observed. The state carries a causal context
 * (a version vector of every dot it has seen), so a dot missing from the entries but covered by the
 * context is known to be removed: no per-element tombstones, and the context holds one number per
 * region. An add concurrent with a remove survives, because the remove never saw its dot.
 *
 * The context stays a plain version vector because replicas exchange whole states and each region
 * mints its dots in order from a state that holds all its earlier dots (its own slot item).
 *
 * Elements are kept sorted (code-unit order) with their dots in a parallel array, so merge is one
 * merge-join pass and stays near-linear for large sets.
 */
import {
  assertRegionId,
  compareStrings,
  describeValue,
  expectCount,
  expectNonEmptyString,
  expectObject,
} from '../json';
import { VersionVector } from '../version-vector';
import type { Crdt, CrdtCodec } from './crdt';
import { searchSorted } from './sorted-counts';

/** Serialized OR-Set: `c` is the causal context, `e` maps each element to its dots (region -> counter). */
export interface ORSetJson {
  [key: string]: Record<string, number> | Record<string, Record<string, number>>;
  c: Record<string, number>;
  e: Record<string, Record<string, number>>;
}

/** One add: the region that made it and that region's counter. */
export interface Dot {
  readonly region: string;
  readonly counter: number;
}

/**
 * Dots supporting one element: almost always one dot, stored bare to keep large sets compact;
 * an array (sorted by region, at most one dot per region) only when concurrent adds left several.
 */
type Dots = Dot | readonly Dot[];

function asArray(dots: Dots): readonly Dot[] {
  return Array.isArray(dots) ? dots : [dots as Dot];
}

function fromArray(dots: readonly Dot[]): Dots | undefined {
  return dots.length === 0 ? undefined : dots.length === 1 ? (dots[0] as Dot) : dots;
}

/** An immutable add-wins observed-remove set of strings. */
export class ORSet implements Crdt<ORSet> {
  private static readonly EMPTY = new ORSet([], [], VersionVector.empty());

  private constructor(
    /** Elements, strictly increasing. */
    private readonly elements: readonly string[],
    /** Dots of each element (parallel to `elements`, never empty). */
    private readonly dots: readonly Dots[],
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
    const entries: [string, Dots][] = [];
    for (const [element, rawDots] of Object.entries(
      expectObject(object.e ?? {}, 'or-set entries'),
    )) {
      expectNonEmptyString(element, 'or-set element');
      const dots: Dot[] = [];
      for (const [region, counter] of Object.entries(
        expectObject(rawDots, `or-set dots of ${describeValue(element)}`),
      )) {
        assertRegionId(region, `or-set dot region of ${describeValue(element)}`);
        expectCount(counter, `or-set dot counter of ${describeValue(element)}`);
        if (counter === 0 || !context.covers(region, counter as number)) {
          throw new Error(
            `or-set dot ${region}:${String(counter)} of ${describeValue(element)} lies outside the causal context (${region}:${context.get(region)}); the state is corrupt, rebuild it from the other regions' slots`,
          );
        }
        dots.push({ region, counter: counter as number });
      }
      const packed = fromArray(dots.sort(byRegion));
      if (packed !== undefined) {
        entries.push([element, packed]);
      }
    }
    // Object keys that look like integers come first in numeric order: sort only when needed.
    if (
      entries.some(
        (entry, index) => index > 0 && (entries[index - 1] as [string, Dots])[0] >= entry[0],
      )
    ) {
      entries.sort(([a], [b]) => compareStrings(a, b));
    }
    return new ORSet(
      entries.map(([element]) => element),
      entries.map(([, dots]) => dots),
      context,
    );
  }

  /** Whether `element` is in the set. */
  has(element: string): boolean {
    return this.indexOf(element) >= 0;
  }

  /** Number of elements. */
  get size(): number {
    return this.elements.length;
  }

  /** The elements, sorted. */
  values(): string[] {
    return [...this.elements];
  }

  /** The dots currently supporting `element`, sorted by region (empty when absent). */
  dotsOf(element: string): readonly Dot[] {
    const index = this.indexOf(element);
    return index >= 0 ? asArray(this.dots[index] as Dots) : [];
  }

  /**
   * Adds `element` on behalf of `region` with a fresh dot. Dots of the element this state already
   * holds are dropped: the context covers them, so other replicas treat them as superseded.
   */
  add(element: string, region: string): ORSet {
    expectNonEmptyString(element, 'or-set element');
    assertRegionId(region);
    const counter = this.context.get(region) + 1;
    const index = this.indexOf(element);
    const elements = [...this.elements];
    const dots = [...this.dots];
    if (index >= 0) {
      dots[index] = { region, counter };
    } else {
      elements.splice(-index - 1, 0, element);
      dots.splice(-index - 1, 0, { region, counter });
    }
    return new ORSet(elements, dots, this.context.with(region, counter));
  }

  /** Removes `element`: drops the dots this state has observed (a concurrent add still wins). */
  remove(element: string): ORSet {
    const index = this.indexOf(element);
    if (index < 0) {
      return this;
    }
    const elements = [...this.elements];
    const dots = [...this.dots];
    elements.splice(index, 1);
    dots.splice(index, 1);
    return new ORSet(elements, dots, this.context);
  }

  merge(other: ORSet): ORSet {
    if (other === this) {
      return this;
    }
    const mine = this.elements;
    const theirs = other.elements;
    // Sized once: growing by push would reallocate and copy large arrays several times.
    const elements = new Array<string>(mine.length + theirs.length);
    const dots = new Array<Dots>(mine.length + theirs.length);
    let out = 0;
    let i = 0;
    let j = 0;
    while (i < mine.length || j < theirs.length) {
      const a = mine[i];
      const b = theirs[j];
      let element: string;
      let kept: Dots | undefined;
      if (a !== undefined && a === b) {
        element = a;
        kept = mergeDots(this.dots[i] as Dots, other.dots[j] as Dots, this.context, other.context);
        i += 1;
        j += 1;
      } else if (b === undefined || (a !== undefined && a < b)) {
        element = a as string;
        kept = unseenBy(this.dots[i] as Dots, other.context);
        i += 1;
      } else {
        element = b;
        kept = unseenBy(other.dots[j] as Dots, this.context);
        j += 1;
      }
      if (kept !== undefined) {
        elements[out] = element;
        dots[out] = kept;
        out += 1;
      }
    }
    elements.length = out;
    dots.length = out;
    return new ORSet(elements, dots, this.context.merge(other.context));
  }

  /** A region stores the whole state in its slot (removes must travel with the context). */
  slotOf(): ORSet {
    return this;
  }

  equals(other: ORSet): boolean {
    if (other === this) {
      return true;
    }
    if (this.elements.length !== other.elements.length || !this.context.equals(other.context)) {
      return false;
    }
    for (let index = 0; index < this.elements.length; index += 1) {
      if (
        this.elements[index] !== other.elements[index] ||
        !sameDots(this.dots[index] as Dots, other.dots[index] as Dots)
      ) {
        return false;
      }
    }
    return true;
  }

  serialize(): ORSetJson {
    // fromEntries defines own properties, so an element named "__proto__" stays an element.
    const e = Object.fromEntries(
      this.elements.map((element, index) => [
        element,
        Object.fromEntries(
          asArray(this.dots[index] as Dots).map((dot) => [dot.region, dot.counter]),
        ),
      ]),
    );
    return { c: this.context.serialize(), e };
  }

  private indexOf(element: string): number {
    return searchSorted(this.elements, element);
  }
}

/** Dots of an element only one side holds: those the other side has never seen survive. */
function unseenBy(dots: Dots, otherContext: VersionVector): Dots | undefined {
  if (!Array.isArray(dots)) {
    const dot = dots as Dot;
    return otherContext.covers(dot.region, dot.counter) ? undefined : dot;
  }
  return fromArray(dots.filter((dot: Dot) => !otherContext.covers(dot.region, dot.counter)));
}

/**
 * Dots of an element both sides hold: a dot survives if both sides hold it, or if one side holds
 * it and the other has never seen it. A dot one side has seen but no longer holds was removed there.
 */
function mergeDots(
  mine: Dots,
  theirs: Dots,
  myContext: VersionVector,
  theirContext: VersionVector,
): Dots | undefined {
  if (sameDots(mine, theirs)) {
    return mine;
  }
  const mineList = asArray(mine);
  const theirList = asArray(theirs);
  const holds = (list: readonly Dot[], dot: Dot) =>
    list.some((other) => other.region === dot.region && other.counter === dot.counter);
  const kept: Dot[] = [];
  for (const dot of mineList) {
    if (holds(theirList, dot) || !theirContext.covers(dot.region, dot.counter)) {
      kept.push(dot);
    }
  }
  for (const dot of theirList) {
    if (!holds(mineList, dot) && !myContext.covers(dot.region, dot.counter)) {
      kept.push(dot);
    }
  }
  return fromArray(kept.sort(byRegion));
}

function sameDots(a: Dots, b: Dots): boolean {
  if (a === b) {
    return true;
  }
  if (!Array.isArray(a) && !Array.isArray(b)) {
    const p = a as Dot;
    const q = b as Dot;
    return p.region === q.region && p.counter === q.counter;
  }
  const x = asArray(a);
  const y = asArray(b);
  if (x.length !== y.length) {
    return false;
  }
  for (let index = 0; index < x.length; index += 1) {
    const p = x[index] as Dot;
    const q = y[index] as Dot;
    if (p.region !== q.region || p.counter !== q.counter) {
      return false;
    }
  }
  return true;
}

function byRegion(a: Dot, b: Dot): number {
  return compareStrings(a.region, b.region) || a.counter - b.counter;
}

/** Codec of OR-Set states. */
export const OR_SET: CrdtCodec<ORSet> = {
  name: 'or-set',
  empty: () => ORSet.empty(),
  deserialize: (json) => ORSet.deserialize(json),
  slotOf: (state) => state.slotOf(),
};
