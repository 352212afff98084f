/**
 * The regional API handler: every `/v1` route. Built by `makeHandler(deps)`, so tests pass
 * in-memory or DynamoDB Local dependencies; the Lambda entry wires AWS once per cold start (see
 * `./wiring.ts`). The health route has its own function (`./health-function.ts`), so an
 * overloaded API cannot fail the region's Route 53 health check.
 */
import { createHash } from 'node:crypto';
import { CursorError } from '../app/cursor';
import { AppError } from '../app/errors';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../app/ports';
import type { ActiveActiveService, RequestOptions } from '../app/service';
import type { ApiDescriptionSettings } from '../contract/api-description';
import { APP_METRICS } from '../contract/metrics';
import { DEFAULT_HEALTH_PATH } from '../contract/routes';
import {
  decodeSessionToken,
  emptySession,
  SessionTokenError,
  type SessionState,
} from '../domain/session-token';
import type { ApiDeps } from './api-deps';
import { errorResponse, headerOf, type HttpEvent, type HttpResult } from './http';
import { matchRoute, tenantOfCaseRef, type Route, type RouteSpec } from './routes';
import { consistencyOf, idempotencyKeyOf, RequestError, whenNotOwnerOf } from './validation';
import { productionApiDeps } from './wiring';

export type { ApiDeps } from './api-deps';

/** A route that reads or writes data (every route but the public ones). */
type DataRoute = Route & RouteSpec<unknown>;

const placeholderDescriptions = new Map<string, ApiDescriptionSettings>();

/** The deployment's names for the OpenAPI document; placeholders where none were given. */
function descriptionOf(deps: ApiDeps): ApiDescriptionSettings {
  if (deps.apiDescription !== undefined) return deps.apiDescription;
  const region = deps.config.region;
  let settings = placeholderDescriptions.get(region);
  if (settings === undefined) {
    settings = {
      appName: 'active-active',
      publicName: 'api.example.com',
      regions: [region],
      healthPath: DEFAULT_HEALTH_PATH,
      auth: { kind: 'api-token' },
    };
    placeholderDescriptions.set(region, settings);
  }
  return settings;
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
      if (isUnreachableStore(error)) {
        // The region's own replica did not answer (a regional DynamoDB outage): the request may
        // be retried here later or in another region. Not a bug, so not a 500.
        deps.log.warn('the local replica did not answer', {
          requestId,
          errorName: (error as Error).name,
        });
        return errorResponse(
          503,
          'replica_unavailable',
          `this region's replica did not answer (${(error as Error).name}); retry, or send the request to another region`,
          { 'retry-after': '2' },
          { requestId },
        );
      }
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
      const offset = deps.clockOffsetMs?.();
      if (offset !== undefined)
        deps.metric(APP_METRICS.clockSkewMs.name, Math.abs(offset), 'Milliseconds');
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
  let route: DataRoute;
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
    const found = matched.route;
    // a public route reads no data: no header parsing, no session, no service
    if ('serve' in found) return found.serve({ event, settings: descriptionOf(deps) });
    route = found;
    params = matched.params;
    const consistency = consistencyOf(event);
    const whenNotOwner = whenNotOwnerOf(event);
    idempotencyKey = route.entry.write ? idempotencyKeyOf(event) : undefined;
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

  const service = await deps.service();
  const run = async (extra: Partial<RequestOptions> = {}): Promise<HttpResult> => {
    try {
      return await route.handle(
        { event, params, options: { ...options, ...extra }, service, metric: deps.metric },
        validated,
      );
    } catch (error) {
      if (error instanceof AppError && error.status === 421) {
        deps.metric(APP_METRICS.refusedWrites.name, 1, 'Count');
      }
      if (
        error instanceof AppError &&
        error.code === 'reconciliation_pending' &&
        error.details?.queued === 'created'
      ) {
        // counted once, whichever path opened the case (the conflict feed counts its own)
        deps.metric(APP_METRICS.reconciliationCasesOpened.name, 1, 'Count');
      }
      return requestFailure(error);
    }
  };

  // A ledger entry's id is its idempotency key, for as long as keys are kept (24 h).
  const key = route.implicitIdempotencyKey?.(validated) ?? idempotencyKey;
  if (key === undefined) return run();
  return withIdempotency(deps, service, event, scopeOf(params), key, run);
}

/**
 * Runs `run` at most once per idempotency key, across regions: the key is claimed in the tenant's
 * home region (in the epoch it is homed there), so a retry sent to any region meets the same
 * claim. While the home does not answer, the key is claimed in this region instead: a retry that
 * DNS sends to another region during that time may apply again (docs/api.md). An answer whose
 * outcome is unknown (5xx) keeps the claim; the retry then looks for the operation everywhere
 * before applying it (same operation id), never applies it twice.
 */
async function withIdempotency(
  deps: ApiDeps,
  service: ActiveActiveService,
  event: HttpEvent,
  scope: string,
  key: string,
  run: (extra: Partial<RequestOptions>) => Promise<HttpResult>,
): Promise<HttpResult> {
  const fingerprint = createHash('sha256')
    .update(
      `${event.requestContext.http.method.toUpperCase()}\n${event.rawPath}\n${event.body ?? ''}`,
    )
    .digest('hex');
  const local = deps.config.region;
  let owner: { home: string; epoch: number; from?: string } =
    scope === GLOBAL_SCOPE ? { home: local, epoch: 0 } : await service.homeOf(scope);
  const storeIn = (region: string) => deps.idempotencyIn?.(region) ?? deps.idempotency;
  let store = storeIn(owner.home);
  let claimKey = `${owner.epoch}#${key}`;
  let fallback = false;
  let claim: IdempotencyClaim | undefined;
  try {
    for (let hop = 0; hop < 3 && claim === undefined; hop += 1) {
      store = storeIn(owner.home);
      claimKey = `${owner.epoch}#${key}`;
      claim = await claimAt(store, owner, scope, key, fingerprint, storeIn, deps.now());
      if (scope === GLOBAL_SCOPE) break;
      // The home confirms it is still the home (a move away is written in its own replica first);
      // if this region's view was stale, the claim moves to the new home.
      const confirmed = await service.homeOf(scope, owner.home);
      // an older view there only means the move has not reached it yet: the newer record stands
      if (confirmed.epoch <= owner.epoch) break;
      if (claim.kind === 'claimed') await store.release(scope, claimKey);
      owner = confirmed;
      claim = undefined;
    }
    if (claim === undefined) {
      return errorResponse(
        503,
        'ownership_unsettled',
        `the home of tenant ${scope} kept moving while Idempotency-Key ${key} was claimed; retry`,
        { 'retry-after': '1' },
      );
    }
  } catch (error) {
    if (store.region === local && owner.from === undefined) throw error;
    deps.log.warn('the home did not answer: idempotency key claimed in this region', {
      home: owner.home,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    store = deps.idempotency;
    claimKey = `${owner.epoch}#${key}`;
    fallback = true;
    claim = await store.begin(scope, claimKey, fingerprint, deps.now());
  }
  // Says where the key was claimed: outside the tenant's home, the guarantee narrows (docs/api.md).
  const claimedIn = {
    'idempotency-claimed-in': fallback ? `${local} (home unreachable)` : store.region,
  };
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
  const operationId = createHash('sha256').update(`${scope}\n${key}`).digest('hex').slice(0, 32);
  let result: HttpResult;
  try {
    result = await run({ operationId, readBack: claim.readBack });
  } catch (error) {
    await store.markUnknown(scope, claimKey).catch(() => undefined);
    throw error;
  }
  if (result.statusCode >= 200 && result.statusCode < 300) {
    const stored: StoredResponse = {
      statusCode: result.statusCode,
      headers: result.headers,
      body: result.body,
    };
    await store.complete(scope, claimKey, stored, deps.now());
    return { ...result, headers: { ...result.headers, ...claimedIn } };
  } else if (result.statusCode < 500) {
    // Nothing was written: let a corrected retry with the same key run.
    await store.release(scope, claimKey);
  } else {
    // Perhaps written: the retry must look before it applies.
    await store.markUnknown(scope, claimKey);
  }
  return result;
}

/**
 * Claims `key` in `store` (the home's) under the home's epoch; a key first used before the tenant
 * moved here was claimed at its previous home, so that claim is consulted first.
 */
async function claimAt(
  store: IdempotencyStore,
  owner: { home: string; epoch: number; from?: string },
  scope: string,
  key: string,
  fingerprint: string,
  storeIn: (region: string) => IdempotencyStore,
  nowMs: number,
): Promise<IdempotencyClaim> {
  const claimKey = `${owner.epoch}#${key}`;
  const earlier =
    owner.from === undefined
      ? undefined
      : await storeIn(owner.from).peek(scope, `${owner.epoch - 1}#${key}`);
  if (earlier === undefined || earlier.fingerprint !== fingerprint) {
    return store.begin(scope, claimKey, fingerprint, nowMs);
  }
  if (earlier.status === 'completed' && earlier.response !== undefined) {
    return { kind: 'completed', response: earlier.response };
  }
  if (earlier.status === 'in-progress') return { kind: 'in-progress' };
  return readingBack(await store.begin(scope, claimKey, fingerprint, nowMs));
}

/** A claim whose previous attempt (at the previous home) ended with its outcome unknown. */
function readingBack(claim: IdempotencyClaim): IdempotencyClaim {
  return claim.kind === 'claimed' ? { kind: 'claimed', readBack: true } : claim;
}

/** Scope of keys on routes that name no tenant (none today: resolve names one in its case). */
const GLOBAL_SCOPE = '_global';

/** The tenant whose home claims the route's idempotency keys. */
function scopeOf(params: Readonly<Record<string, string>>): string {
  if (params.tenant !== undefined) return params.tenant;
  if (params.case !== undefined) return tenantOfCaseRef(params.case) ?? GLOBAL_SCOPE;
  return GLOBAL_SCOPE;
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

/** Errors of the storage layer that mean "did not answer", not "wrong request" or "bug". */
const UNREACHABLE_ERRORS = new Set([
  'NetworkingError',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'InternalServerError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

function isUnreachableStore(error: unknown): boolean {
  return error instanceof Error && UNREACHABLE_ERRORS.has(error.name);
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
