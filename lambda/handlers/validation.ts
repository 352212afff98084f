/**
 * Input validation at the edge: every request is checked here before anything is read or written.
 * A problem becomes one `RequestError` with the status the caller should see (400 malformed,
 * 413 too large, 415 not JSON, 422 well-formed but invalid) and a message naming the field.
 */
// A namespace import lets esbuild drop what is unused (notably every locale): ~75 KB instead of ~450 KB.
import * as z from 'zod';
import { CONSISTENCY_LEVELS, type ConsistencyLevel } from '../domain/consistency';
import type { JsonValue } from '../domain/json';
import { headerOf, type HttpEvent } from './http';

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Largest accepted magnitude of any number in a body. */
export const MAX_ABS_NUMBER = 1e15;
/** Deepest accepted nesting of a JSON value. */
export const MAX_JSON_DEPTH = 8;

/** A bad request, told to the caller. */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 415 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Ids in paths and bodies: 1-128 of letters, digits, `_`, `-`, `.`, `:`. */
const SAFE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Tenant ids: safe ids that do not start with `__` (reserved). */
const TENANT_ID = /^(?!__)[A-Za-z0-9_.:-]{1,128}$/;
/** Case references in URLs: what `encodeCaseRef` produces (base64url). */
export const CASE_REF = /^[A-Za-z0-9_-]{8,700}$/;
/** Cursors of the reconciliation list: what the API returned (base64url). */
export const CURSOR = /^[A-Za-z0-9_-]{1,2048}$/;

/** Checks a path or body id; tenants additionally may not start with `__` (reserved). */
export function checkId(value: string | undefined, what: string, tenant = false): string {
  if (value === undefined || !(tenant ? TENANT_ID : SAFE_ID).test(value)) {
    throw new RequestError(
      400,
      'invalid_id',
      `${what} must be 1-128 letters, digits, _, -, . or :${tenant ? ' and must not start with __' : ''}, got ${preview(value)}`,
    );
  }
  return value;
}

/** Reads the `Consistency` header (default `local`). */
export function consistencyOf(event: HttpEvent): ConsistencyLevel {
  const value = headerOf(event, 'consistency');
  if (value === undefined || value === '') return 'local';
  if (!(CONSISTENCY_LEVELS as readonly string[]).includes(value)) {
    throw new RequestError(
      400,
      'invalid_header',
      `Consistency header must be one of ${CONSISTENCY_LEVELS.join(' | ')}, got ${preview(value)}`,
    );
  }
  return value as ConsistencyLevel;
}

/** Reads `X-When-Not-Owner` (default `forward`). */
export function whenNotOwnerOf(event: HttpEvent): 'forward' | 'reject' {
  const value = headerOf(event, 'x-when-not-owner');
  if (value === undefined || value === '' || value === 'forward') return 'forward';
  if (value === 'reject') return 'reject';
  throw new RequestError(
    400,
    'invalid_header',
    `X-When-Not-Owner header must be forward or reject, got ${preview(value)}`,
  );
}

/** Reads `Idempotency-Key`, if present. */
export function idempotencyKeyOf(event: HttpEvent): string | undefined {
  const value = headerOf(event, 'idempotency-key');
  if (value === undefined) return undefined;
  if (!SAFE_ID.test(value)) {
    throw new RequestError(
      400,
      'invalid_header',
      `Idempotency-Key header must be 1-128 letters, digits, _, -, . or :, got ${preview(value)}`,
    );
  }
  return value;
}

/** Reads a JSON object body: size, media type, syntax, numbers and depth. */
export function jsonBodyOf(event: HttpEvent): Record<string, unknown> {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64').length : Buffer.byteLength(text);
  if (bytes > MAX_BODY_BYTES) {
    throw new RequestError(
      413,
      'body_too_large',
      `request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES}`,
    );
  }
  const contentType = headerOf(event, 'content-type');
  if (
    contentType === undefined ||
    !/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(contentType.trim())
  ) {
    throw new RequestError(
      415,
      'unsupported_media_type',
      `Content-Type must be application/json, got ${preview(contentType)}`,
    );
  }
  if (text.trim() === '') {
    throw new RequestError(400, 'invalid_json', 'request body is empty; send a JSON object');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RequestError(
      400,
      'invalid_json',
      `request body is not valid JSON (${(error as Error).message})`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RequestError(
      400,
      'invalid_json',
      `request body must be a JSON object, got ${jsonKind(parsed)}`,
    );
  }
  checkJsonValue(parsed, 'body', 0);
  return parsed as Record<string, unknown>;
}

/** Validates a parsed body with a schema; the first problem becomes a 422 naming its field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new RequestError(422, 'invalid_body', 'request body is invalid');
  const field = ['body', ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    throw new RequestError(
      422,
      'unknown_field',
      `${field} has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`,
    );
  }
  throw new RequestError(422, 'invalid_body', `${field} ${issue.message}`);
}

/** Reads an integer query parameter within bounds. */
export function queryInteger(
  event: HttpEvent,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = event.queryStringParameters?.[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new RequestError(
      400,
      'invalid_query',
      `query parameter ${name} must be an integer ${min}-${max}, got ${preview(value)}`,
    );
  }
  return Number(value);
}

/** Rejects query parameters a route does not take. */
export function onlyQuery(event: HttpEvent, allowed: readonly string[]): void {
  for (const name of Object.keys(event.queryStringParameters ?? {})) {
    if (!allowed.includes(name)) {
      throw new RequestError(
        400,
        'invalid_query',
        `unknown query parameter ${preview(name)}; ${allowed.length === 0 ? 'this route takes none' : `allowed: ${allowed.join(', ')}`}`,
      );
    }
  }
}

function checkJsonValue(value: unknown, path: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH) {
    throw new RequestError(
      422,
      'invalid_body',
      `${path} is nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_ABS_NUMBER) {
      throw new RequestError(
        422,
        'invalid_number',
        `${path} must be a finite number within ±${MAX_ABS_NUMBER}, got ${String(value)}`,
      );
    }
  } else if (typeof value === 'string') {
    if (!value.isWellFormed()) {
      throw new RequestError(
        422,
        'invalid_string',
        `${path} holds an unpaired UTF-16 surrogate; send valid Unicode`,
      );
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkJsonValue(item, `${path}[${index}]`, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      // JSON.parse keeps it as a key, but objects drop it (and zod's records skip it): refused,
      // rather than a field silently lost
      if (key === '__proto__') {
        throw new RequestError(
          422,
          'invalid_body',
          `${path} has a key "__proto__", which the API does not accept; rename it`,
        );
      }
      if (!key.isWellFormed()) {
        throw new RequestError(
          422,
          'invalid_string',
          `${path} has a key with an unpaired UTF-16 surrogate; send valid Unicode`,
        );
      }
      checkJsonValue(item, `${path}.${key.slice(0, 40)}`, depth + 1);
    }
  }
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** A short, printable rendering of a bad value for messages. */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---------------------------------------------------------------- body schemas

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

// ---------------------------------------------------------------- parameters, as documented

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
