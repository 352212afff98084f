/**
 * The public API's route table: every method and path the regional API serves, which function
 * answers it and whether it needs a token. The CDK app maps it to HTTP API routes, the API
 * function's router binds a handler to each of its entries, and the OpenAPI document describes
 * each one; aactl and the sandbox can read it too. No CDK or SDK imports.
 */

/** The HTTP methods the API routes. */
export type ApiMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';

/** The function that answers a route: the API function, or the health check's own function. */
export type RouteFunction = 'api' | 'health';

/** One entry of the route table. */
export interface ApiRouteEntry {
  /** Stable id of the route: the OpenAPI `operationId` and the router's handler key. */
  readonly id: string;
  readonly method: ApiMethod;
  /** Path template with `{parameters}`, e.g. `/v1/tenants/{tenant}/home`. */
  readonly path: string;
  /** The function API Gateway sends the route to. */
  readonly function: RouteFunction;
  /** Whether API Gateway's authorizer must allow the request first (never for `public` routes). */
  readonly authorized: boolean;
  /** Whether the route writes: idempotency keys apply, and a JSON body is expected. */
  readonly write: boolean;
  /** The OpenAPI tag the route is listed under. */
  readonly tag: ApiTag;
  /** One line saying what the route does (the OpenAPI `summary`). */
  readonly summary: string;
}

/** The groups routes are listed under in the OpenAPI document. */
export type ApiTag =
  'counters' | 'sets' | 'profiles' | 'carts' | 'ledger' | 'ownership' | 'service';

/** The health route's path unless config names another (`healthCheck.path`). */
export const DEFAULT_HEALTH_PATH = '/health';

/** Where the API serves its own OpenAPI document (unauthenticated, cacheable). */
export const OPENAPI_PATH = '/openapi.json';

const TENANT = '/v1/tenants/{tenant}';

/**
 * Every route of the API. The health entries carry {@link DEFAULT_HEALTH_PATH}; use
 * {@link apiRoutes} for a deployment's table, whose health path comes from config.
 */
export const API_ROUTES = [
  read('readCounter', `${TENANT}/counters/{name}`, 'counters', "Read a counter's value"),
  write('incrementCounter', 'POST', `${TENANT}/counters/{name}`, 'counters', 'Add to a counter'),
  read('readSet', `${TENANT}/sets/{name}`, 'sets', "Read a set's elements"),
  write('changeSet', 'POST', `${TENANT}/sets/{name}`, 'sets', 'Add or remove a set element'),
  read('readProfile', `${TENANT}/profiles/{id}`, 'profiles', 'Read a profile'),
  write('replaceProfile', 'PUT', `${TENANT}/profiles/{id}`, 'profiles', 'Replace a profile'),
  write(
    'patchProfile',
    'PATCH',
    `${TENANT}/profiles/{id}`,
    'profiles',
    "Change a profile's fields",
  ),
  read('readCart', `${TENANT}/carts/{id}`, 'carts', 'Read a cart'),
  write('changeCart', 'POST', `${TENANT}/carts/{id}`, 'carts', "Change a cart's lines"),
  read('readAccount', `${TENANT}/accounts/{id}`, 'ledger', 'Read a ledger account'),
  write(
    'appendLedgerEntry',
    'POST',
    `${TENANT}/accounts/{id}/entries`,
    'ledger',
    'Append an entry to a ledger account',
  ),
  read('listReconciliationCases', '/v1/reconciliation', 'ledger', 'List open reconciliation cases'),
  write(
    'resolveReconciliationCase',
    'POST',
    '/v1/reconciliation/{case}/resolve',
    'ledger',
    'Resolve a reconciliation case',
  ),
  read('readHome', `${TENANT}/home`, 'ownership', "Read a tenant's home region"),
  write('transferHome', 'PUT', `${TENANT}/home`, 'ownership', "Move a tenant's home region"),
  publicRoute('getOpenApiDocument', 'GET', OPENAPI_PATH, 'api', 'This API as an OpenAPI document'),
  publicRoute('checkHealth', 'GET', DEFAULT_HEALTH_PATH, 'health', "The region's health"),
  publicRoute('checkHealthHead', 'HEAD', DEFAULT_HEALTH_PATH, 'health', "The region's health"),
] as const satisfies readonly ApiRouteEntry[];

/** The id of a route the given function answers. */
export type ApiRouteId<F extends RouteFunction = RouteFunction> = Extract<
  (typeof API_ROUTES)[number],
  { readonly function: F }
>['id'];

/** The id of a route of the API function that reads or writes data (it needs a token). */
export type DataRouteId = Extract<
  (typeof API_ROUTES)[number],
  { readonly function: 'api'; readonly authorized: true }
>['id'];

/** The id of a public route of the API function (no token, no tenant data). */
export type PublicRouteId = Extract<
  (typeof API_ROUTES)[number],
  { readonly function: 'api'; readonly authorized: false }
>['id'];

/**
 * A deployment's route table: {@link API_ROUTES} with the health entries at `healthPath`.
 * @param healthPath the configured health path (`healthCheck.path`)
 */
export function apiRoutes(healthPath: string = DEFAULT_HEALTH_PATH): readonly ApiRouteEntry[] {
  return API_ROUTES.map((entry) =>
    entry.function === 'health' ? { ...entry, path: healthPath } : entry,
  );
}

/** The routes one function answers, in table order. */
export function routesOf(
  target: RouteFunction,
  healthPath: string = DEFAULT_HEALTH_PATH,
): readonly ApiRouteEntry[] {
  return apiRoutes(healthPath).filter((entry) => entry.function === target);
}

/** The names of a path template's parameters, in order (`/a/{x}/b/{y}` -> `['x', 'y']`). */
export function pathParametersOf(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

function read<I extends string, P extends string, T extends ApiTag>(
  id: I,
  path: P,
  tag: T,
  summary: string,
) {
  return route(id, 'GET', path, 'api', true, false, tag, summary);
}

function write<I extends string, M extends ApiMethod, P extends string, T extends ApiTag>(
  id: I,
  method: M,
  path: P,
  tag: T,
  summary: string,
) {
  return route(id, method, path, 'api', true, true, tag, summary);
}

function publicRoute<
  I extends string,
  M extends ApiMethod,
  P extends string,
  F extends RouteFunction,
>(id: I, method: M, path: P, target: F, summary: string) {
  return route(id, method, path, target, false, false, 'service', summary);
}

function route<
  I extends string,
  M extends ApiMethod,
  P extends string,
  F extends RouteFunction,
  A extends boolean,
  W extends boolean,
  T extends ApiTag,
>(id: I, method: M, path: P, target: F, authorized: A, writes: W, tag: T, summary: string) {
  return { id, method, path, function: target, authorized, write: writes, tag, summary } as const;
}
