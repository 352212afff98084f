/**
 * Pagination cursors for the open-cases index: the index key of the last case returned, as
 * base64url JSON. Decoding accepts only that shape, so a forged cursor is a clear 400.
 */
import type { JsonValue } from '../domain/json';

/** Partition of the sparse open-cases index. */
export const OPEN_CASES_PARTITION = 'case#open';

/** A pagination cursor that did not come from this API. */
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

/** Cursor: the index key of the last case returned, base64url JSON. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Reads a cursor back, accepting only the shape this API hands out. */
export function decodeCursor(cursor: string): Record<string, JsonValue> {
  const invalid = () =>
    new CursorError('cursor is not one this API returned; omit it to start from the first page');
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  const allowed = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk']);
  if (
    entries.length !== 4 ||
    entries.some(([name, value]) => !allowed.has(name) || typeof value !== 'string') ||
    (parsed as Record<string, unknown>).gsi1pk !== OPEN_CASES_PARTITION
  ) {
    throw invalid();
  }
  return parsed as Record<string, JsonValue>;
}
