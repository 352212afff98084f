/**
 * Positive-negative counter: two G-Counters, one for increments and one for decrements; the value
 * is their difference. Any region may add or subtract; merge never loses either.
 */
import { describeValue, expectObject } from '../json';
import type { Crdt, CrdtCodec } from './crdt';
import { GCounter, type GCounterJson } from './g-counter';

/** Serialized PN-Counter: `p` increments and `n` decrements per region. */
export interface PNCounterJson {
  [key: string]: GCounterJson;
  p: GCounterJson;
  n: GCounterJson;
}

/** An immutable positive-negative counter. */
export class PNCounter implements Crdt<PNCounter> {
  private static readonly EMPTY = new PNCounter(GCounter.empty(), GCounter.empty());

  private constructor(
    /** Total increments per region. */
    readonly increments: GCounter,
    /** Total decrements per region (as positive numbers). */
    readonly decrements: GCounter,
  ) {}

  /** The zero counter. */
  static empty(): PNCounter {
    return PNCounter.EMPTY;
  }

  /** Reads the serialized form (`{ p: {...}, n: {...} }`, either may be missing). */
  static deserialize(json: unknown): PNCounter {
    const object = expectObject(json, 'pn-counter state');
    for (const key of Object.keys(object)) {
      if (key !== 'p' && key !== 'n') {
        throw new Error(
          `pn-counter state has unknown key ${describeValue(key)}; expected only p and n`,
        );
      }
    }
    return new PNCounter(
      GCounter.deserialize(object.p ?? {}),
      GCounter.deserialize(object.n ?? {}),
    );
  }

  /** Increments minus decrements. */
  get value(): number {
    return this.increments.value - this.decrements.value;
  }

  /** Adds `delta` (a non-zero integer, negative to subtract) on behalf of `region`. */
  add(region: string, delta: number): PNCounter {
    if (!Number.isSafeInteger(delta) || delta === 0) {
      throw new Error(`pn-counter delta must be a non-zero integer, got ${describeValue(delta)}`);
    }
    return delta > 0
      ? new PNCounter(this.increments.increment(region, delta), this.decrements)
      : new PNCounter(this.increments, this.decrements.increment(region, -delta));
  }

  merge(other: PNCounter): PNCounter {
    if (other === this) {
      return this;
    }
    return new PNCounter(
      this.increments.merge(other.increments),
      this.decrements.merge(other.decrements),
    );
  }

  /** Only `region`'s own entries: what that region stores in its slot. */
  slotOf(region: string): PNCounter {
    return new PNCounter(this.increments.slotOf(region), this.decrements.slotOf(region));
  }

  equals(other: PNCounter): boolean {
    return this.increments.equals(other.increments) && this.decrements.equals(other.decrements);
  }

  serialize(): PNCounterJson {
    return { p: this.increments.serialize(), n: this.decrements.serialize() };
  }
}

/** Codec of PN-Counter states. */
export const PN_COUNTER: CrdtCodec<PNCounter> = {
  name: 'pn-counter',
  empty: () => PNCounter.empty(),
  deserialize: (json) => PNCounter.deserialize(json),
  slotOf: (state, region) => state.slotOf(region),
};
