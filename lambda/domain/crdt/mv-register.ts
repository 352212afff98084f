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
  private constructor(
    private readonly codec: ValueCodec<T>,
    /** Concurrent versions, sorted by HLC. */
    readonly siblings: readonly Sibling<T>[],
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
    const seen = new Set<string>();
    const siblings = expectArray(object.s ?? [], 'mv-register siblings').map((raw, index) => {
      const sibling = expectObject(raw, `mv-register sibling ${index}`);
      const hlc = parseHlc(sibling.h);
      const dot = expectPositiveCount(sibling.d, `mv-register sibling ${index} dot`);
      if (!context.covers(hlc.region, dot)) {
        throw new Error(
          `mv-register sibling ${hlc.region}:${dot} lies outside the context (${hlc.region}:${context.get(hlc.region)}); the state is corrupt, rebuild it from the other regions' slots`,
        );
      }
      const key = `${hlc.region}:${dot}`;
      if (seen.has(key)) {
        throw new Error(`mv-register holds sibling ${key} twice; the state is corrupt`);
      }
      seen.add(key);
      return { value: values.deserialize(sibling.v), hlc, dot };
    });
    return new MVRegister(values, sortSiblings(siblings), context);
  }

  /** Whether the register was never written. */
  get isEmpty(): boolean {
    return this.siblings.length === 0;
  }

  /** Whether concurrent versions exist (more than one sibling). */
  get isConflicted(): boolean {
    return this.siblings.length > 1;
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
    for (const sibling of this.siblings) {
      if (compareHlc(hlc, sibling.hlc) <= 0) {
        throw new Error(
          `mv-register write stamped ${formatHlc(hlc)} is not after sibling ${formatHlc(sibling.hlc)}; call clock.receive() with the siblings' stamps before clock.now()`,
        );
      }
    }
    const dot = this.context.get(hlc.region) + 1;
    return new MVRegister(this.codec, [{ value, hlc, dot }], this.context.with(hlc.region, dot));
  }

  merge(other: MVRegister<T>): MVRegister<T> {
    if (other === this) {
      return this;
    }
    const theirs = new Map(other.siblings.map((sibling) => [dotKey(sibling), sibling]));
    const mine = new Set(this.siblings.map(dotKey));
    const kept: Sibling<T>[] = [];
    for (const sibling of this.siblings) {
      if (theirs.has(dotKey(sibling)) || !other.context.covers(sibling.hlc.region, sibling.dot)) {
        kept.push(sibling);
      }
    }
    for (const sibling of other.siblings) {
      if (!mine.has(dotKey(sibling)) && !this.context.covers(sibling.hlc.region, sibling.dot)) {
        kept.push(sibling);
      }
    }
    return new MVRegister(this.codec, sortSiblings(kept), this.context.merge(other.context));
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

function sortSiblings<T>(siblings: Sibling<T>[]): Sibling<T>[] {
  return siblings.sort((a, b) => compareHlc(a.hlc, b.hlc));
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
