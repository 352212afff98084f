/**
 * Last-writer-wins register: the write with the greatest HLC wins (HLC order breaks ties by region,
 * so two writes never tie). It drops the loser of two concurrent writes by design: use it only for
 * values whose type declares it tolerates that (see `DATA_TYPES[...].toleratesLww`).
 */
import { compareHlc, formatHlc, parseHlc, type HlcTimestamp } from '../hlc';
import { canonicalJson, compareStrings, expectObject, type JsonValue } from '../json';
import { JSON_VALUE_CODEC, type ValueCodec } from '../value-codec';
import type { Crdt } from './crdt';

/** Serialized LWW-Register: `v` value and `h` HLC string; `{}` when never written. */
export type LWWRegisterJson = { v: JsonValue; h: string } | Record<string, never>;

/** An immutable last-writer-wins register. */
export class LWWRegister<T = JsonValue> implements Crdt<LWWRegister<T>> {
  private constructor(
    private readonly codec: ValueCodec<T>,
    private readonly current: { readonly value: T; readonly hlc: HlcTimestamp } | undefined,
  ) {}

  /** A register that was never written. */
  static empty<T = JsonValue>(codec?: ValueCodec<T>): LWWRegister<T> {
    return new LWWRegister((codec ?? JSON_VALUE_CODEC) as ValueCodec<T>, undefined);
  }

  /** Reads the serialized form. */
  static deserialize<T = JsonValue>(json: unknown, codec?: ValueCodec<T>): LWWRegister<T> {
    const values = (codec ?? JSON_VALUE_CODEC) as ValueCodec<T>;
    const object = expectObject(json, 'lww-register state');
    if (object.h === undefined && object.v === undefined) {
      return new LWWRegister(values, undefined);
    }
    return new LWWRegister(values, {
      value: values.deserialize(object.v),
      hlc: parseHlc(object.h),
    });
  }

  /** The current value, or `undefined` if never written. */
  get value(): T | undefined {
    return this.current?.value;
  }

  /** Stamp of the current value. */
  get hlc(): HlcTimestamp | undefined {
    return this.current?.hlc;
  }

  /**
   * Writes `value` stamped `hlc` (take it from `clock.now()`). A stamp older than the current one
   * loses, exactly as if the two writes had been merged.
   */
  set(value: T, hlc: HlcTimestamp): LWWRegister<T> {
    return this.merge(new LWWRegister(this.codec, { value, hlc }));
  }

  merge(other: LWWRegister<T>): LWWRegister<T> {
    const mine = this.current;
    const theirs = other.current;
    if (theirs === undefined) {
      return this;
    }
    if (mine === undefined) {
      return other;
    }
    const order = compareHlc(mine.hlc, theirs.hlc);
    if (order !== 0) {
      return order > 0 ? this : other;
    }
    // Equal stamps mean the same write; if the values still differ, pick one deterministically.
    const mineJson = canonicalJson(this.codec.serialize(mine.value));
    const theirJson = canonicalJson(this.codec.serialize(theirs.value));
    return compareStrings(mineJson, theirJson) >= 0 ? this : other;
  }

  /** A region stores the whole register in its slot. */
  slotOf(): LWWRegister<T> {
    return this;
  }

  equals(other: LWWRegister<T>): boolean {
    return canonicalJson(this.serialize()) === canonicalJson(other.serialize());
  }

  serialize(): LWWRegisterJson {
    return this.current === undefined
      ? {}
      : { v: this.codec.serialize(this.current.value), h: formatHlc(this.current.hlc) };
  }
}
