/**
 * Errors the application layer raises on purpose. The HTTP layer maps each to one status code and
 * the `{"error":{"code","message"}}` body; anything else is an unexpected failure (500).
 */
export class AppError extends Error {
  constructor(
    /** HTTP status to answer with. */
    readonly status: number,
    /** Stable machine-readable code. */
    readonly code: string,
    message: string,
    /** Extra fields for the error body (e.g. the owner region and its URL). */
    readonly details: Readonly<Record<string, unknown>> = {},
    /** Extra response headers (e.g. retry-after). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** 421: this region may not run the write; the body names the owner region and its URL. */
export function wrongRegion(message: string, owner: string, ownerUrl: string): AppError {
  return new AppError(421, 'wrong_region', message, { homeRegion: owner, url: ownerUrl });
}

/** 409: concurrent updates kept colliding (or a case blocks the object); safe to retry later. */
export function conflict(
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): AppError {
  return new AppError(409, code, message, details, { 'retry-after': '1' });
}

/**
 * 404 for a missing object or case. A read's "no such object" is an answer at its consistency
 * level, so it carries the same served headers as a 200 (who served it, how fresh it is).
 */
export function notFound(message: string, headers: Record<string, string> = {}): AppError {
  return new AppError(404, 'not_found', message, {}, headers);
}

/** 422 for a request that is well-formed but cannot be applied to the current state. */
export function unprocessable(code: string, message: string): AppError {
  return new AppError(422, code, message);
}

/** 503: a dependency (another region's replica, the clock) is not usable right now. */
export function unavailable(code: string, message: string): AppError {
  return new AppError(503, code, message, {}, { 'retry-after': '2' });
}
