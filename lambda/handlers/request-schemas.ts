/**
 * The request schemas: the body of every write (validated by `parseBody` in ./validation.ts after
 * `jsonBodyOf` checked size, media type, numbers and depth) and the path, query and header
 * parameters with the patterns ./validation.ts checks them by. The OpenAPI document is generated
 * from these (./openapi/document.ts).
 */
// A namespace import lets esbuild drop what is unused (notably every locale): ~75 KB instead of ~450 KB.
import * as z from 'zod';
import { CONSISTENCY_LEVELS } from '../domain/consistency';
import type { JsonValue } from '../domain/json';
import { CASE_REF, CURSOR, MAX_ABS_NUMBER, MAX_JSON_DEPTH, SAFE_ID, TENANT_ID } from './validation';

const safeId = (what: string) =>
  z.string({ error: `must be a string (${what})` }).regex(SAFE_ID, {
    error: `must be 1-128 letters, digits, _, -, . or : (${what})`,
  });

const integer = (min: number, max: number, what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be an integer (${what})` })
    .min(min, { error: `must be at least ${min} (${what})` })
    .max(max, { error: `must be at most ${max} (${what})` });

// `.meta()` states in the OpenAPI document what a refinement checks (JSON Schema cannot run it).
const nonZero = <T extends z.ZodNumber>(schema: T) =>
  schema.refine((value) => value !== 0, { error: 'must not be 0' }).meta({ not: { const: 0 } });

/**
 * Any JSON value nested at most `levels` containers deep (0: a string, number, boolean, null, or an
 * empty array or object).
 * Bounded, not recursive: the depth limit is stated in the schema (and the OpenAPI document), and
 * clients generated from the document get types without a recursive union (which TypeScript
 * cannot express with arrays).
 */
function jsonValueOf(levels: number): z.ZodType<JsonValue> {
  const leaves = [
    z.string().max(4096, { error: 'strings must be at most 4096 characters' }),
    z.number().min(-MAX_ABS_NUMBER).max(MAX_ABS_NUMBER),
    z.boolean(),
    z.null(),
  ] as const;
  const id = levels === JSON_FIELD_LEVELS ? 'JsonValue' : `JsonValue${levels}`;
  // at the deepest level an array or object may still be empty (it nests nothing)
  if (levels === 0) {
    return z.union([...leaves, z.array(z.never()).max(0), z.strictObject({})]).meta({ id });
  }
  const inner = jsonValueOf(levels - 1);
  return z
    .union([
      ...leaves,
      z.array(inner).max(100, { error: 'arrays must have at most 100 items' }),
      z.record(z.string().max(64).regex(NOT_PROTO), inner),
    ])
    .meta({
      id,
      description: `A JSON value holding at most ${levels} levels of arrays and objects`,
    });
}

/** Any key but `__proto__` (`jsonBodyOf` refuses it: objects would drop it). */
const NOT_PROTO = /^(?!__proto__$)/;

/** How deep a field's value may nest: the body and its `fields` object take two of the levels. */
const JSON_FIELD_LEVELS = MAX_JSON_DEPTH - 2;

/** Any JSON value a field may hold (`jsonBodyOf` checked its numbers and depth already). */
export const jsonValue: z.ZodType<JsonValue> = jsonValueOf(JSON_FIELD_LEVELS);

const fieldName = z.string().regex(/^(?!__proto__$)[A-Za-z0-9_.-]{1,64}$/, {
  error: 'field names must be 1-64 letters, digits, _, - or .',
});

const setElement = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(256, { error: 'must be at most 256 characters' });

export const counterWrite = z.strictObject({
  delta: nonZero(integer(-1_000_000_000, 1_000_000_000, 'the amount to add')),
});

export const setWrite = z.union(
  [z.strictObject({ add: setElement }), z.strictObject({ remove: setElement })],
  { error: 'must be {"add": "<element>"} or {"remove": "<element>"}' },
);

export const profilePut = z.strictObject({
  fields: z
    .record(
      fieldName,
      jsonValue
        .refine((value) => value !== null, {
          error: 'use PATCH with null to delete a field',
        })
        .meta({ not: { type: 'null' } }),
    )
    .refine((fields) => Object.keys(fields).length <= 100, {
      error: 'must have at most 100 fields',
    })
    .meta({ maxProperties: 100, description: 'The whole profile: every field, none null' }),
});

export const profilePatch = z.strictObject({
  fields: z
    .record(fieldName, jsonValue)
    .refine((fields) => Object.keys(fields).length >= 1, {
      error: 'must change at least one field',
    })
    .refine((fields) => Object.keys(fields).length <= 100, {
      error: 'must have at most 100 fields',
    })
    .meta({
      minProperties: 1,
      maxProperties: 100,
      description: 'The fields to change; null deletes a field',
    }),
});

export const cartWrite = z.strictObject({
  changes: z
    .array(
      z.union(
        [
          z.strictObject({
            sku: safeId('sku'),
            delta: nonZero(integer(-10_000, 10_000, 'units to add or remove')),
          }),
          z.strictObject({ sku: safeId('sku'), quantity: integer(0, 10_000, 'units in the line') }),
        ],
        { error: 'each change must be {"sku", "delta"} or {"sku", "quantity"}' },
      ),
    )
    .min(1, { error: 'must hold at least one change' })
    .max(100, { error: 'must hold at most 100 changes' }),
});

export const ledgerEntry = z.strictObject({
  entryId: safeId('entry id, unique per account'),
  amount: nonZero(integer(-1_000_000_000_000, 1_000_000_000_000, 'minor units, e.g. cents')),
  currency: z.string({ error: 'must be a string' }).regex(/^[A-Z]{3}$/, {
    error: 'must be an ISO 4217 code such as EUR',
  }),
});

export const homeWrite = z.strictObject({
  home: z.string({ error: 'must be a string' }).regex(/^[a-z]{2}(-[a-z]+)+-\d$/, {
    error: 'must be a region name such as eu-west-1',
  }),
});

export const caseResolution = z.union(
  [
    z.strictObject({
      choose: z.strictObject({
        region: z.string().regex(/^[a-z0-9-]{1,63}$/, { error: 'must be a region id' }),
        dot: integer(1, MAX_ABS_NUMBER, 'the version number shown in the case'),
      }),
    }),
    z.strictObject({
      // every number of a body is within ±MAX_ABS_NUMBER (jsonBodyOf): the schema says so too
      balance: integer(-MAX_ABS_NUMBER, MAX_ABS_NUMBER, 'the merged balance in minor units'),
    }),
  ],
  { error: 'must be {"choose": {"region", "dot"}} or {"balance": <minor units>}' },
);

/** The path, query and header parameters, with the patterns the readers above check. */
export const requestParameters = {
  path: {
    tenant: z.string().regex(TENANT_ID).meta({ description: 'The tenant (not starting with __)' }),
    name: z.string().regex(SAFE_ID),
    id: z.string().regex(SAFE_ID),
    case: z.string().regex(CASE_REF).meta({ description: 'A caseRef from GET /v1/reconciliation' }),
  },
  query: {
    limit: z.int().min(1).max(100).meta({ description: 'Cases per page', default: 25 }),
    cursor: z.string().regex(CURSOR).meta({ description: 'nextCursor of the previous page' }),
  },
  header: {
    consistency: z.enum(CONSISTENCY_LEVELS).meta({
      description: 'Consistency of the read (default local; quorum is refused with 422)',
    }),
    sessionToken: z.string().meta({
      description: 'The sessionToken of your last write: needed for read-your-writes',
    }),
    whenNotOwner: z.enum(['forward', 'reject']).meta({
      description: 'A write this region may not run: forward it (default) or answer 421',
    }),
    idempotencyKey: z.string().regex(SAFE_ID).meta({
      description: 'One effect per key across regions while the home answers (kept 24 h)',
    }),
  },
};
