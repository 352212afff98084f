/**
 * Multi-value register: keeps every concurrent write as a sibling, for a merge policy to resolve.
 * Each write gets a dot (its region and a per-region counter); the register's causal context is the
 * version vector of the object. A write replaces every sibling it has seen; merge keeps a sibling
 * unless the other side has seen its dot and dropped it. So after replication, the siblings are
 * exactly the writes no other write has seen: the concurrent versions.
 */
import { compareHlc, formatHlc, parseHlc, type HlcTimestamp } from '../hlc';
import {
  canonicalJson,
  compareStrings,
  expectArray,
  expectObject,
  expectPositiveCount,
  type JsonValue,
} from '../json';
import { JSON_VALUE_CODEC, type ValueCodec } from '../value-codec';
import { VersionVector, type CausalOrder } from '../version-vector';
import type { Crdt, CrdtCodec } from './crdt';

/** One version of an object: a value, its HLC stamp and its dot. */
export interface Sibling<T> {
  /** The value written. */
  readonly value: T;
  /** Stamp of the write; its region is the writing region. */
  readonly hlc: HlcTimestamp;
  /** Counter of the write's dot (the dot's region is `hlc.region`). */
  readonly dot: number;
}

/** Serialized sibling: `v` value, `h` HLC string, `d` dot counter. */
export interface SiblingJson {
  [key: string]: JsonValue;
  v: JsonValue;
  h: string;
  d: number;
}

/** Serialized MV-Register: `c` version vector (causal context), `s` siblings sorted by HLC. */
export interface MVRegisterJson {
  [key: string]: Record<string, number> | SiblingJson[];
  c: Record<string, number>;
  s: SiblingJson[];
}

/** An immutable multi-value register. */
export class MVRegister<T = JsonValue> implements Crdt<MVRegister<T>> {
  private byHlc: readonly Sibling<T>[] | undefined;

  private constructor(
    private readonly codec: ValueCodec<T>,
    /** Concurrent versions, sorted by dot (region, then counter) for merge joins. */
    private readonly byDot: readonly Sibling<T>[],
    /** Version vector of the object: every write this state has seen. */
    readonly context: VersionVector,
  ) {}

  /** A register that was never written. */
  static empty<T = JsonValue>(codec?: ValueCodec<T>): MVRegister<T> {
    return new MVRegister((codec ?? JSON_VALUE_CODEC) as ValueCodec<T>, [], VersionVector.empty());
  }

  /** Reads the serialized form, checking that every dot lies within the context. */
  static deserialize<T = JsonValue>(json: unknown, codec?: ValueCodec<T>): MVRegister<T> {
    const values = (codec ?? JSON_VALUE_CODEC) as ValueCodec<T>;
    const object = expectObject(json, `mv-register<${values.name}> state`);
    const context = VersionVector.deserialize(object.c ?? {}, 'mv-register context');
    const siblings = expectArray(object.s ?? [], 'mv-register siblings').map((raw, index) => {
      const sibling = expectObject(raw, `mv-register sibling ${index}`);
      const hlc = parseHlc(sibling.h);
      const dot = expectPositiveCount(sibling.d, `mv-register sibling ${index} dot`);
      if (!context.covers(hlc.region, dot)) {
        throw new Error(
          `mv-register sibling ${hlc.region}:${dot} lies outside the context (${hlc.region}:${context.get(hlc.region)}); the state is corrupt, rebuild it from the other regions' slots`,
        );
      }
      return { value: values.deserialize(sibling.v), hlc, dot };
    });
    siblings.sort(compareDots);
    for (let index = 1; index < siblings.length; index += 1) {
      if (compareDots(siblings[index - 1] as Sibling<T>, siblings[index] as Sibling<T>) === 0) {
        throw new Error(
          `mv-register holds sibling ${dotKey(siblings[index] as Sibling<T>)} twice; the state is corrupt`,
        );
      }
    }
    return new MVRegister(values, siblings, context);
  }

  /** Concurrent versions, sorted by HLC (the last one is the latest). */
  get siblings(): readonly Sibling<T>[] {
    this.byHlc ??= [...this.byDot].sort((a, b) => compareHlc(a.hlc, b.hlc));
    return this.byHlc;
  }

  /** Whether the register was never written. */
  get isEmpty(): boolean {
    return this.byDot.length === 0;
  }

  /** Whether concurrent versions exist (more than one sibling). */
  get isConflicted(): boolean {
    return this.byDot.length > 1;
  }

  /** The values of the siblings, sorted by HLC. */
  values(): T[] {
    return this.siblings.map((sibling) => sibling.value);
  }

  /**
   * Writes `value` stamped `hlc` (from `clock.now()` in the writing region, after `receive` of the
   * siblings' stamps). The write replaces every sibling this state holds: resolve them first.
   */
  write(value: T, hlc: HlcTimestamp): MVRegister<T> {
    for (const sibling of this.byDot) {
      if (compareHlc(hlc, sibling.hlc) <= 0) {
        throw new Error(
          `mv-register write stamped ${formatHlc(hlc)} is not after sibling ${formatHlc(sibling.hlc)}; call clock.receive() with the siblings' stamps before clock.now()`,
        );
      }
    }
    const dot = this.context.get(hlc.region) + 1;
    return new MVRegister(this.codec, [{ value, hlc, dot }], this.context.with(hlc.region, dot));
  }

  /**
   * Keeps a sibling when both sides hold it, or when one side holds it and the other has never
   * seen its dot; one merge-join pass over both sibling lists and both contexts.
   */
  merge(other: MVRegister<T>): MVRegister<T> {
    if (other === this) {
      return this;
    }
    const mine = this.byDot;
    const theirs = other.byDot;
    const seenByThem = other.context.forwardCovers();
    const seenByMe = this.context.forwardCovers();
    // Sized once: growing by push would reallocate and copy large sibling lists.
    const kept = new Array<Sibling<T>>(mine.length + theirs.length);
    let out = 0;
    let i = 0;
    let j = 0;
    while (i < mine.length || j < theirs.length) {
      const a = mine[i];
      const b = theirs[j];
      const order = a === undefined ? 1 : b === undefined ? -1 : compareDots(a, b);
      if (order === 0) {
        kept[out++] = a as Sibling<T>;
        i += 1;
        j += 1;
      } else if (order < 0) {
        const sibling = a as Sibling<T>;
        if (!seenByThem(sibling.hlc.region, sibling.dot)) {
          kept[out++] = sibling;
        }
        i += 1;
      } else {
        const sibling = b as Sibling<T>;
        if (!seenByMe(sibling.hlc.region, sibling.dot)) {
          kept[out++] = sibling;
        }
        j += 1;
      }
    }
    kept.length = out;
    return new MVRegister(this.codec, kept, this.context.merge(other.context));
  }

  /** How this state's version vector relates to `other`'s. */
  compare(other: MVRegister<T>): CausalOrder {
    return this.context.compare(other.context);
  }

  /** A region stores the whole register in its slot. */
  slotOf(): MVRegister<T> {
    return this;
  }

  equals(other: MVRegister<T>): boolean {
    return canonicalJson(this.serialize()) === canonicalJson(other.serialize());
  }

  /** Serialized form; siblings sorted by HLC. */
  serialize(): MVRegisterJson {
    return {
      c: this.context.serialize(),
      s: this.siblings.map((sibling) => ({
        v: this.codec.serialize(sibling.value),
        h: formatHlc(sibling.hlc),
        d: sibling.dot,
      })),
    };
  }
}

function dotKey(sibling: Sibling<unknown>): string {
  return `${sibling.hlc.region}:${sibling.dot}`;
}

function compareDots(a: Sibling<unknown>, b: Sibling<unknown>): number {
  const region = compareStrings(a.hlc.region, b.hlc.region);
  return region !== 0 ? region : a.dot - b.dot;
}

/** Codec of MV-Register states holding values of `codec`. */
export function mvRegisterCodec<T>(codec: ValueCodec<T>): CrdtCodec<MVRegister<T>> {
  return {
    name: `mv-register<${codec.name}>`,
    empty: () => MVRegister.empty(codec),
    deserialize: (json) => MVRegister.deserialize(json, codec),
    slotOf: (state) => state.slotOf(),
  };
}
