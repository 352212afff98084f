/**
 * Input validation at the edge: every request is checked here before anything is read or written.
 * A problem becomes one `RequestError` with the status the caller should see (400 malformed,
 * 413 too large, 415 not JSON, 422 well-formed but invalid) and a message naming the field. The
 * schemas of bodies and parameters are in ./request-schemas.ts.
 */
import type * as z from 'zod';
import { CONSISTENCY_LEVELS, type ConsistencyLevel } from '../domain/consistency';
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
export const SAFE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Tenant ids: safe ids that do not start with `__` (reserved). */
export const TENANT_ID = /^(?!__)[A-Za-z0-9_.:-]{1,128}$/;
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
