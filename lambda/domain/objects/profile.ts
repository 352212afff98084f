/**
 * User profile: a document whose fields are merged one by one. Every field carries the HLC of its
 * last write, so concurrent edits of different fields both survive and concurrent edits of one
 * field resolve to the later stamp (region breaks ties). Deleted fields keep their stamp (a
 * per-field tombstone, bounded by the number of field names) so an older write cannot revive them.
 */
import type { Sibling } from '../crdt/mv-register';
import { formatHlc, parseHlc, type HlcTimestamp } from '../hlc';
import {
  canonicalJson,
  compareStrings,
  describeValue,
  expectJson,
  expectObject,
  type JsonObject,
  type JsonValue,
} from '../json';
import type { ValueCodec } from '../value-codec';

/** One profile field: its value (`undefined` once deleted) and the HLC string of its last write. */
export interface ProfileField {
  /** Current value; `undefined` means the field was deleted. */
  readonly value: JsonValue | undefined;
  /** HLC string of the write that set or deleted the field. */
  readonly at: string;
}

/** A profile: field name -> field. */
export type Profile = ReadonlyMap<string, ProfileField>;

/** Field names: 1-64 characters of letters, digits, `_`, `-` or `.`. */
const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** A profile with no fields. */
export function emptyProfile(): Profile {
  return new Map();
}

/**
 * Applies a patch stamped `at`: each key sets that field, `null` deletes it. Take `at` from the
 * writing region's clock after it has received the stamps of the profile it patches.
 */
export function patchProfile(
  profile: Profile,
  changes: Readonly<Record<string, JsonValue>>,
  at: HlcTimestamp,
): Profile {
  const stamp = formatHlc(at);
  const next = new Map(profile);
  for (const [name, value] of Object.entries(changes)) {
    assertFieldName(name);
    expectJson(value, `profile field ${name}`);
    next.set(name, { value: value === null ? undefined : value, at: stamp });
  }
  return next;
}

/** Replaces the whole document: fields missing from `document` are deleted. */
export function replaceProfile(
  profile: Profile,
  document: Readonly<Record<string, JsonValue>>,
  at: HlcTimestamp,
): Profile {
  const deletions: Record<string, JsonValue> = {};
  for (const [name, field] of profile) {
    if (field.value !== undefined && !Object.hasOwn(document, name)) {
      deletions[name] = null;
    }
  }
  return patchProfile(profile, { ...deletions, ...document }, at);
}

/** The document callers see: live fields only, sorted by name. */
export function profileView(profile: Profile): JsonObject {
  return Object.fromEntries(
    [...profile]
      .filter(([, field]) => field.value !== undefined)
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([name, field]) => [name, field.value as JsonValue]),
  );
}

/** Field-by-field merge: each field takes the write with the greatest HLC. */
export function mergeProfiles(profiles: Iterable<Profile>): Profile {
  const merged = new Map<string, ProfileField>();
  for (const profile of profiles) {
    for (const [name, field] of profile) {
      const current = merged.get(name);
      if (current === undefined || laterField(field, current)) {
        merged.set(name, field);
      }
    }
  }
  return merged;
}

/** The profile `domain-merge` policy: merges the siblings field by field by HLC. */
export function mergeProfileSiblings(siblings: readonly Sibling<Profile>[]): Profile {
  return mergeProfiles(siblings.map((sibling) => sibling.value));
}

function laterField(candidate: ProfileField, current: ProfileField): boolean {
  const order = compareStrings(candidate.at, current.at);
  if (order !== 0) {
    return order > 0;
  }
  // One stamp is one write, so values agree; compare anyway so merge stays commutative.
  return compareStrings(fieldJson(candidate), fieldJson(current)) > 0;
}

function fieldJson(field: ProfileField): string {
  return field.value === undefined ? '' : canonicalJson(field.value);
}

function assertFieldName(name: string): void {
  if (!FIELD_NAME.test(name)) {
    throw new Error(
      `profile field name must be 1-64 letters, digits, _, - or ., got ${describeValue(name)}`,
    );
  }
}

/**
 * Serialized profile: field name -> `{ v, h }` (value and HLC string); a deleted field is `{ h }`.
 */
export const PROFILE_CODEC: ValueCodec<Profile> = {
  name: 'profile',
  serialize: (profile) =>
    Object.fromEntries(
      [...profile]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([name, field]): [string, JsonValue] => [
          name,
          field.value === undefined ? { h: field.at } : { v: field.value, h: field.at },
        ]),
    ),
  deserialize: (json) => {
    const profile = new Map<string, ProfileField>();
    for (const [name, raw] of Object.entries(expectObject(json, 'profile'))) {
      assertFieldName(name);
      const field = expectObject(raw, `profile field ${name}`);
      const at = formatHlc(parseHlc(field.h));
      const value =
        field.v === undefined ? undefined : expectJson(field.v, `profile field ${name}`);
      profile.set(name, { value, at });
    }
    return profile;
  },
};
