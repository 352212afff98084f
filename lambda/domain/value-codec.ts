/**
 * How a business value is written to and read from JSON. Registers and merge policies take a codec,
 * so a corrupt stored value fails with a message that names the type, not deep inside a handler.
 */
import { expectJson, type JsonValue } from './json';

/** Serializes and validates values of one type. */
export interface ValueCodec<T> {
  /** Name used in error messages. */
  readonly name: string;
  /** The JSON-able form (must fit a DynamoDB item). */
  serialize(value: T): JsonValue;
  /** Reads the JSON-able form; throws a clear error when it is not a valid `T`. */
  deserialize(json: unknown): T;
}

/** Any JSON value, checked only for being JSON. */
export const JSON_VALUE_CODEC: ValueCodec<JsonValue> = {
  name: 'json',
  serialize: (value) => value,
  deserialize: (json) => expectJson(json, 'value'),
};
