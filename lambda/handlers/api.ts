/**
 * The regional API handler: every `/v1` route. Built by `makeHandler(deps)`, so tests pass
 * in-memory or DynamoDB Local dependencies; the Lambda entry wires AWS once per cold start (see
 * `./wiring.ts`). The health route has its own function (`./health-function.ts`), so an
 * overloaded API cannot fail the region's Route 53 health check.
 */
import { createHash } from 'node:crypto';
import { CursorError } from '../app/cursor';
import { AppError } from '../app/errors';
import type { IdempotencyStore, StoredResponse } from '../app/ports';
import type { ActiveActiveService, RequestOptions } from '../app/service';
import {
  decodeSessionToken,
  emptySession,
  SessionTokenError,
  type SessionKeyring,
  type SessionState,
} from '../domain/session-token';
import { errorResponse, headerOf, type HttpEvent, type HttpResult } from './http';
import { matchRoute, type Route } from './routes';
import type { RuntimeConfig } from './runtime-config';
import { consistencyOf, idempotencyKeyOf, RequestError, whenNotOwnerOf } from './validation';
import { productionApiDeps } from './wiring';

/** Structured logging (Powertools Logger in production). */
export interface Log {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** A metric sink (Powertools Metrics, i.e. EMF, in production). */
export type MetricSink = (name: string, value: number, unit: 'Count' | 'Milliseconds') => void;

/** Everything the API handler depends on; tests pass fakes. */
export interface ApiDeps {
  readonly config: Pick<RuntimeConfig, 'region'>;
  /** The service; created lazily so `/health` never waits for secrets. */
  readonly service: () => Promise<ActiveActiveService>;
  readonly keyring: () => Promise<SessionKeyring>;
  readonly idempotency: IdempotencyStore;
  readonly now: () => number;
  readonly log: Log;
  readonly metric: MetricSink;
  /** Sends buffered metrics at the end of a request (no-op in tests). */
  readonly flushMetrics?: () => void;
}

/** Session tokens older than this are refused (the caller starts a new session). */
const MAX_SESSION_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Build the API handler from its dependencies. */
export function makeHandler(deps: ApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const requestId = event.requestContext.requestId;
    try {
      return await handle(deps, event);
    } catch (error) {
      deps.log.error('unhandled error', {
        requestId,
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
      return errorResponse(
        500,
        'internal_error',
        'unexpected failure; retry later or quote the request id',
        {},
        { requestId },
      );
    } finally {
      deps.flushMetrics?.();
    }
  };
}

async function handle(deps: ApiDeps, event: HttpEvent): Promise<HttpResult> {
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath;

  let matched: ReturnType<typeof matchRoute>;
  let options: RequestOptions;
  let validated: unknown;
  let idempotencyKey: string | undefined;
  let route: Route;
  let params: Record<string, string>;
  try {
    matched = matchRoute(method, path);
    if (matched === undefined)
      return errorResponse(404, 'not_found', `no route for ${method} ${truncate(path)}`);
    if ('allowed' in matched) {
      return errorResponse(
        405,
        'method_not_allowed',
        `${method} is not allowed on ${truncate(path)}; use ${matched.allowed.join(', ')}`,
        { allow: matched.allowed.join(', ') },
      );
    }
    ({ route, params } = matched);
    const consistency = consistencyOf(event);
    const whenNotOwner = whenNotOwnerOf(event);
    idempotencyKey = route.write ? idempotencyKeyOf(event) : undefined;
    options = {
      consistency,
      whenNotOwner,
      path,
      session: await sessionOf(deps, event),
    };
    validated = route.validate({ event, params, options });
  } catch (error) {
    return requestFailure(error);
  }

  const input = {
    event,
    params,
    options,
    service: await deps.service(),
    metric: deps.metric,
  };
  const run = async (): Promise<HttpResult> => {
    try {
      return await route.handle(input, validated);
    } catch (error) {
      if (error instanceof AppError && error.status === 421) {
        deps.metric('RefusedWrites', 1, 'Count');
      }
      return requestFailure(error);
    }
  };

  if (idempotencyKey === undefined) return run();
  return withIdempotency(deps, event, params.tenant ?? '_global', idempotencyKey, run);
}

/** Runs `run` at most once per idempotency key in this region; replays the stored answer. */
async function withIdempotency(
  deps: ApiDeps,
  event: HttpEvent,
  scope: string,
  key: string,
  run: () => Promise<HttpResult>,
): Promise<HttpResult> {
  const fingerprint = createHash('sha256')
    .update(
      `${event.requestContext.http.method.toUpperCase()}\n${event.rawPath}\n${event.body ?? ''}`,
    )
    .digest('hex');
  const claim = await deps.idempotency.begin(scope, key, fingerprint, deps.now());
  switch (claim.kind) {
    case 'completed':
      return {
        statusCode: claim.response.statusCode,
        headers: { ...claim.response.headers, 'idempotency-replayed': 'true' },
        body: claim.response.body,
      };
    case 'in-progress':
      return errorResponse(
        409,
        'idempotency_in_progress',
        `a request with Idempotency-Key ${key} is still running; retry in a second`,
        { 'retry-after': '1' },
      );
    case 'mismatch':
      return errorResponse(
        422,
        'idempotency_key_reused',
        `Idempotency-Key ${key} was used for a different request; use a new key for a new request`,
      );
    case 'claimed':
      break;
  }
  let result: HttpResult;
  try {
    result = await run();
  } catch (error) {
    await deps.idempotency.release(scope, key).catch(() => undefined);
    throw error;
  }
  if (result.statusCode >= 200 && result.statusCode < 300) {
    const stored: StoredResponse = {
      statusCode: result.statusCode,
      headers: result.headers,
      body: result.body,
    };
    await deps.idempotency.complete(scope, key, stored, deps.now());
  } else {
    // Nothing was written: let a corrected retry with the same key run.
    await deps.idempotency.release(scope, key);
  }
  return result;
}

async function sessionOf(deps: ApiDeps, event: HttpEvent): Promise<SessionState> {
  const token = headerOf(event, 'x-session-token');
  if (token === undefined || token === '') return emptySession(deps.now());
  try {
    return decodeSessionToken(token, await deps.keyring(), {
      nowMs: deps.now(),
      maxAgeMs: MAX_SESSION_AGE_MS,
    });
  } catch (error) {
    if (error instanceof SessionTokenError) {
      throw new RequestError(400, 'invalid_session_token', error.message);
    }
    throw error;
  }
}

function requestFailure(error: unknown): HttpResult {
  if (error instanceof RequestError) return errorResponse(error.status, error.code, error.message);
  if (error instanceof CursorError) return errorResponse(400, 'invalid_query', error.message);
  if (error instanceof AppError) {
    return errorResponse(error.status, error.code, error.message, error.headers, error.details);
  }
  throw error;
}

function truncate(path: string): string {
  return path.length > 80 ? `${path.slice(0, 77)}...` : path;
}

let cached: ((event: HttpEvent) => Promise<HttpResult>) | undefined;

/** Lambda entry point: wires production dependencies once per cold start. */
export const handler = async (event: HttpEvent): Promise<HttpResult> => {
  cached ??= makeHandler(productionApiDeps(process.env));
  return cached(event);
};
