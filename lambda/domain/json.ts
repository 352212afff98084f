/**
 * JSON-able values and the small validators every deserializer shares. Serialized forms are plain
 * objects, arrays, strings and numbers, so they fit a DynamoDB item through the document client.
 */

/** A value that survives `JSON.stringify` and the DynamoDB document client unchanged. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object (a DynamoDB map). */
export type JsonObject = { [key: string]: JsonValue };

/** Region ids: lowercase letters, digits and hyphens, e.g. `eu-west-1` or `sandbox-a`. */
const REGION_ID = /^[a-z0-9](?:[a-z0-9-]{0,62})$/;

/** Whether `region` is a usable region id. */
export function isRegionId(region: unknown): region is string {
  return typeof region === 'string' && REGION_ID.test(region);
}

/** Throws unless `region` is a usable region id. */
export function assertRegionId(region: unknown, what = 'region id'): asserts region is string {
  if (!isRegionId(region)) {
    throw new Error(
      `${what} must be 1-63 lowercase letters, digits or hyphens (e.g. eu-west-1), got ${describeValue(region)}`,
    );
  }
}

/** Whether `value` is a plain object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns `value` as a plain object or throws an error naming `what`. */
export function expectObject(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new Error(`${what} must be an object, got ${describeValue(value)}`);
  }
  return value;
}

/** Returns `value` as a non-negative safe integer or throws an error naming `what`. */
export function expectCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${what} must be a non-negative integer, got ${describeValue(value)}`);
  }
  return value;
}

/** Returns `value` as a positive safe integer or throws an error naming `what`. */
export function expectPositiveCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${what} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** Returns `value` as a non-empty string or throws an error naming `what`. */
export function expectNonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${what} must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

/** Returns `value` as an array or throws an error naming `what`. */
export function expectArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new Error(`${what} must be an array, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is JSON-able (finite numbers, no undefined, functions or cycles). */
export function expectJson(value: unknown, what: string, depth = 0): JsonValue {
  if (depth > 30) {
    // DynamoDB allows 32 levels of nesting; stop before the item would be refused.
    throw new Error(`${what} is nested more than 30 levels deep; flatten it`);
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error(`${what} must be a finite number, got ${String(value)}`);
    }
    return value;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => expectJson(item, `${what}[${index}]`, depth + 1));
    return value as JsonValue[];
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      expectJson(item, `${what}.${key}`, depth + 1);
    }
    return value as JsonObject;
  }
  throw new Error(
    `${what} must be JSON (object, array, string, number, boolean or null), got ${describeValue(value)}`,
  );
}

/**
 * JSON with object keys sorted at every level, so equal values always give equal strings (used for
 * equality, deterministic tie-breaks and content hashes).
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
}

/** A short, readable rendering of a bad value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) {
    return `an array of ${value.length}`;
  }
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Code-unit string order (not locale order): the order HLC strings and keys sort in. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
