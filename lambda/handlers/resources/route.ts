/** What every route is made of: its shape, and the request and response helpers all routes share. */
import type { z } from 'zod';
import type {
  ActiveActiveService,
  ReadResult,
  RequestOptions,
  Served,
  WriteResult,
} from '../../app/service';
import type { ApiDescriptionSettings } from '../../contract/api-description';
import type { ApiRouteEntry, ApiRouteId, PublicRouteId } from '../../contract/routes';
import { type DataType } from '../../domain/catalog';
import type { VersionedDataType } from '../../domain/merge-registry';
import type { ObjectKey } from '../../domain/storage-layout';
import type { MetricSink } from '../api-deps';
import { json, type HttpEvent, type HttpResult } from '../http';
import type { ServedHeaders } from '../responses';
import { checkId, jsonBodyOf, onlyQuery, parseBody, RequestError } from '../validation';

/** What a route gets. */
export interface RouteInput {
  readonly event: HttpEvent;
  readonly params: Readonly<Record<string, string>>;
  readonly options: RequestOptions;
  readonly service: ActiveActiveService;
  /** Records a metric (count or milliseconds). */
  readonly metric: MetricSink;
}

/**
 * The handler of one route of the contract's table, typed by what its validation produces (`V`),
 * which its `handle` receives. Method, path and whether it writes come from the table entry.
 */
export interface RouteSpec<V> {
  /** Validates everything the route reads from the request, before any I/O. */
  readonly validate: (input: Omit<RouteInput, 'service' | 'metric'>) => V;
  readonly handle: (input: RouteInput, validated: V) => Promise<HttpResult>;
  /**
   * An idempotency key the route implies when the request sends none (a ledger entry's id).
   * @default - none
   */
  readonly implicitIdempotencyKey?: (validated: V) => string | undefined;
}

/** A handler as the router holds it: whatever `validate` returned goes back to its `handle`. */
export type RouteHandler = RouteSpec<unknown>;

/** What a public route gets: the request and the deployment's names; no service, no session. */
export interface PublicRouteInput {
  readonly event: HttpEvent;
  readonly settings: ApiDescriptionSettings;
}

/**
 * The handler of a public route (no token): it reads no tenant data, so it is answered before any
 * header is parsed, any session decoded or the service created.
 */
export interface PublicRouteSpec {
  readonly serve: (input: PublicRouteInput) => HttpResult;
}

/** The handlers of some of the API function's routes, by route id. */
export type RouteHandlers<K extends ApiRouteId<'api'> = ApiRouteId<'api'>> = {
  readonly [Id in K]: Id extends PublicRouteId ? PublicRouteSpec : RouteHandler;
};

/** A handler bound to its entry of the route table: what the router matches requests against. */
export type Route = (RouteHandler | PublicRouteSpec) & { readonly entry: ApiRouteEntry };

/** Declares a handler; the router only ever passes a route's own validation result to it. */
export function route<V>(spec: RouteSpec<V>): RouteHandler {
  return spec as unknown as RouteHandler;
}

/** Response headers saying who served the request and how fresh it is. */
export function servedHeaders(served: Served): ServedHeaders {
  return {
    'x-served-region': served.servedRegion,
    'x-home-region': served.homeRegion,
    'x-consistency': served.consistency,
    'x-staleness-ms':
      served.stalenessMs === undefined ? 'unknown' : String(Math.round(served.stalenessMs)),
  };
}

/** `T` without some keys, distributed over a union (one answer schema may be a union). */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A read's answer, typed by its response schema; the version read is added here. */
export function readResponse<S extends z.ZodType<{ version: string | null }>>(
  _schema: S,
  result: ReadResult<unknown>,
  body: Without<z.output<S>, 'version'>,
): HttpResult {
  return json(200, { ...body, version: result.version ?? null }, { ...servedHeaders(result) });
}

/** A write's answer, typed by its response schema; a write forwarded to the home is counted. */
export function writeResponse<
  S extends z.ZodType<{ version: string; sessionToken: string; forwarded: boolean }>,
>(
  metric: MetricSink,
  _schema: S,
  result: WriteResult<unknown>,
  body: Without<z.output<S>, 'version' | 'sessionToken' | 'forwarded'>,
  status = 200,
): HttpResult {
  if (result.forwarded) metric('ForwardedWrites', 1, 'Count');
  return json(
    status,
    {
      ...body,
      version: result.version,
      sessionToken: result.sessionToken,
      forwarded: result.forwarded,
    },
    { ...servedHeaders(result), 'x-session-token': result.sessionToken },
  );
}

export const tenantOf = (params: Readonly<Record<string, string>>) =>
  checkId(params.tenant, 'tenant id', true);

export function objectKey<T extends DataType>(
  params: Readonly<Record<string, string>>,
  type: T,
  idParam: string,
  what: string,
): ObjectKey & { type: T } {
  return { tenantId: tenantOf(params), type, objectId: checkId(params[idParam], what) };
}

/** A write's body, validated by its schema; writes take no query parameters. */
export function bodyOf<T>(event: HttpEvent, schema: z.ZodType<T>): T {
  onlyQuery(event, []);
  return parseBody(schema, jsonBodyOf(event));
}

export function noBody(event: HttpEvent): void {
  if (event.body !== undefined && event.body !== null && event.body !== '') {
    throw new RequestError(
      400,
      'unexpected_body',
      `${event.requestContext.http.method} takes no request body`,
    );
  }
}

/** A GET of one object: no body, no query, the tenant and object ids checked before any read. */
export function objectRead<T extends DataType>(
  type: T,
  idParam: string,
  what: string,
  handle: (input: RouteInput, key: ObjectKey & { type: T }) => Promise<HttpResult>,
): RouteHandler {
  return route({
    validate: ({ event, params }) => {
      noBody(event);
      onlyQuery(event, []);
      return objectKey(params, type, idParam, what);
    },
    handle,
  });
}

/** The key of a versioned object (profiles, carts, ledger accounts). */
export type VersionedKey = ObjectKey & { type: VersionedDataType };
