/**
 * An immutable table of key -> positive count, kept as two parallel arrays sorted by key
 * (code-unit order). Version vectors, G-Counters and causal contexts are built on it. Sorted arrays
 * make merge and compare a single linear, sequential pass (a merge join), which stays close to
 * linear time for large states where hash tables slow down on cache misses; lookups are binary
 * searches, which for the handful of regions of a real deployment is as fast as a hash.
 */
import { compareStrings } from '../json';

/** How two causal histories (version vectors, count maps) relate. */
export type CausalOrder = 'equal' | 'before' | 'after' | 'concurrent';

/** Position of `key` in strictly increasing `keys`, or `-(insertion point) - 1` when absent. */
export function searchSorted(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const candidate = keys[middle] as string;
    if (candidate < key) {
      low = middle + 1;
    } else if (candidate > key) {
      high = middle - 1;
    } else {
      return middle;
    }
  }
  return -low - 1;
}

export class SortedCounts {
  private static readonly EMPTY = new SortedCounts([], []);

  private constructor(
    /** Keys, strictly increasing. */
    readonly keys: readonly string[],
    /** Count of each key, all positive. */
    readonly counts: readonly number[],
  ) {}

  /** The empty table. */
  static empty(): SortedCounts {
    return SortedCounts.EMPTY;
  }

  /**
   * Builds a table from entries (any order); zero counts are dropped. The caller has validated
   * keys and counts; a duplicate key is a programming error.
   */
  static fromEntries(entries: readonly (readonly [string, number])[]): SortedCounts {
    const kept = entries.filter(([, count]) => count > 0);
    let sorted = true;
    for (let index = 1; index < kept.length && sorted; index += 1) {
      sorted =
        (kept[index - 1] as readonly [string, number])[0] <
        (kept[index] as readonly [string, number])[0];
    }
    if (!sorted) {
      // Maps read back from DynamoDB come in any order; sort only then.
      kept.sort(([a], [b]) => compareStrings(a, b));
    }
    for (let index = 1; index < kept.length; index += 1) {
      if (
        (kept[index - 1] as readonly [string, number])[0] ===
        (kept[index] as readonly [string, number])[0]
      ) {
        throw new Error(`duplicate key ${(kept[index] as readonly [string, number])[0]}`);
      }
    }
    return kept.length === 0
      ? SortedCounts.EMPTY
      : new SortedCounts(
          kept.map(([key]) => key),
          kept.map(([, count]) => count),
        );
  }

  /** Number of keys. */
  get size(): number {
    return this.keys.length;
  }

  /** Position of `key`, or `-(insertion point) - 1` when absent. */
  indexOf(key: string): number {
    return searchSorted(this.keys, key);
  }

  /** Count of `key` (0 when absent). */
  get(key: string): number {
    const index = this.indexOf(key);
    return index >= 0 ? (this.counts[index] as number) : 0;
  }

  /** Sum of all counts. */
  sum(): number {
    let total = 0;
    for (const count of this.counts) {
      total += count;
    }
    return total;
  }

  /** This table with `key` set to `count` (removed when `count` is 0). */
  with(key: string, count: number): SortedCounts {
    const index = this.indexOf(key);
    const keys = [...this.keys];
    const counts = [...this.counts];
    if (index >= 0) {
      if (count === 0) {
        keys.splice(index, 1);
        counts.splice(index, 1);
      } else {
        counts[index] = count;
      }
    } else if (count > 0) {
      keys.splice(-index - 1, 0, key);
      counts.splice(-index - 1, 0, count);
    } else {
      return this;
    }
    return keys.length === 0 ? SortedCounts.EMPTY : new SortedCounts(keys, counts);
  }

  /** Pointwise maximum, in one merge-join pass. */
  max(other: SortedCounts): SortedCounts {
    if (other === this || other.keys.length === 0) {
      return this;
    }
    if (this.keys.length === 0) {
      return other;
    }
    const a = this.keys;
    const b = other.keys;
    // Sized once: growing by push would reallocate and copy large arrays several times.
    const keys = new Array<string>(a.length + b.length);
    const counts = new Array<number>(a.length + b.length);
    let out = 0;
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const ka = a[i];
      const kb = b[j];
      if (ka !== undefined && ka === kb) {
        keys[out] = ka;
        counts[out] = Math.max(this.counts[i] as number, other.counts[j] as number);
        i += 1;
        j += 1;
      } else if (kb === undefined || (ka !== undefined && ka < kb)) {
        keys[out] = ka as string;
        counts[out] = this.counts[i] as number;
        i += 1;
      } else {
        keys[out] = kb;
        counts[out] = other.counts[j] as number;
        j += 1;
      }
      out += 1;
    }
    keys.length = out;
    counts.length = out;
    return new SortedCounts(keys, counts);
  }

  /** How this table relates to `other`, pointwise, in one merge-join pass. */
  compare(other: SortedCounts): CausalOrder {
    const a = this.keys;
    const b = other.keys;
    let less = false;
    let greater = false;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length && !(less && greater)) {
      const ka = a[i] as string;
      const kb = b[j] as string;
      if (ka === kb) {
        const mine = this.counts[i] as number;
        const theirs = other.counts[j] as number;
        less ||= mine < theirs;
        greater ||= mine > theirs;
        i += 1;
        j += 1;
      } else if (ka < kb) {
        greater = true;
        i += 1;
      } else {
        less = true;
        j += 1;
      }
    }
    greater ||= i < a.length;
    less ||= j < b.length;
    if (less && greater) {
      return 'concurrent';
    }
    return less ? 'before' : greater ? 'after' : 'equal';
  }

  /** Whether both tables hold the same counts. */
  equals(other: SortedCounts): boolean {
    if (other === this) {
      return true;
    }
    if (other.keys.length !== this.keys.length) {
      return false;
    }
    for (let index = 0; index < this.keys.length; index += 1) {
      if (this.keys[index] !== other.keys[index] || this.counts[index] !== other.counts[index]) {
        return false;
      }
    }
    return true;
  }

  /** Plain object, keys in sorted order. */
  toJson(): Record<string, number> {
    const json: Record<string, number> = {};
    for (let index = 0; index < this.keys.length; index += 1) {
      json[this.keys[index] as string] = this.counts[index] as number;
    }
    return json;
  }

  /**
   * A lookup for keys asked in non-decreasing order (as in a merge join): each call advances a
   * cursor instead of searching, so a pass over n sorted keys costs O(n + size).
   */
  forwardLookup(): (key: string) => number {
    let position = 0;
    let lastKey: string | undefined;
    return (key) => {
      if (lastKey !== undefined && key < lastKey) {
        position = 0;
      }
      lastKey = key;
      while (position < this.keys.length && (this.keys[position] as string) < key) {
        position += 1;
      }
      return this.keys[position] === key ? (this.counts[position] as number) : 0;
    };
  }
}
