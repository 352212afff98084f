/**
 * The API's routes: parse and validate the request, call the service, shape the response. Nothing
 * here touches AWS; the service and its ports do.
 */
import type { z } from 'zod';
import { AppError, notFound, unprocessable } from '../app/errors';
import type { CaseRecord, CaseRef } from '../app/ports';
import type {
  ActiveActiveService,
  ReadResult,
  RequestOptions,
  Served,
  WriteResult,
} from '../app/service';
import { DATA_TYPE_NAMES, type DataType, type WriteClass } from '../domain/catalog';
import { OR_SET, type ORSet } from '../domain/crdt/or-set';
import { PN_COUNTER, type PNCounter } from '../domain/crdt/pn-counter';
import type { JsonValue } from '../domain/json';
import {
  MERGE_REGISTRY,
  type VersionedDataType,
  type VersionedRead,
} from '../domain/merge-registry';
import {
  cartView,
  changeCartLine,
  emptyCart,
  setCartLineQuantity,
  type Cart,
} from '../domain/objects/cart';
import {
  applyLedgerEntry,
  openLedgerAccount,
  RECENT_LEDGER_ENTRIES,
  type LedgerAccount,
  type LedgerEntry,
} from '../domain/objects/ledger';
import {
  emptyProfile,
  patchProfile,
  profileView,
  replaceProfile,
  type Profile,
} from '../domain/objects/profile';
import type { ReconciliationCase } from '../domain/reconciliation';
import type { ObjectKey } from '../domain/storage-layout';
import type { MetricSink } from './api-deps';
import { json, type HttpEvent, type HttpResult } from './http';
import {
  caseResolution,
  cartWrite,
  checkId,
  counterWrite,
  homeWrite,
  jsonBodyOf,
  ledgerEntry,
  onlyQuery,
  parseBody,
  profilePatch,
  profilePut,
  queryInteger,
  RequestError,
  setWrite,
} from './validation';

/** What a route gets. */
export interface RouteInput {
  readonly event: HttpEvent;
  readonly params: Readonly<Record<string, string>>;
  readonly options: RequestOptions;
  readonly service: ActiveActiveService;
  /** Records a metric (count or milliseconds). */
  readonly metric: MetricSink;
}

/** One route. */
export interface Route {
  readonly method: string;
  /** Path template, e.g. `/v1/tenants/{tenant}/counters/{name}`. */
  readonly path: string;
  /** Whether the route writes (idempotency keys apply; a body is expected). */
  readonly write: boolean;
  /** Validates everything the route reads from the request, before any I/O. */
  readonly validate: (input: Omit<RouteInput, 'service' | 'metric'>) => unknown;
  readonly handle: (input: RouteInput, validated: unknown) => Promise<HttpResult>;
  /**
   * An idempotency key the route implies when the request sends none (a ledger entry's id).
   * @default - none
   */
  readonly implicitIdempotencyKey?: (validated: unknown) => string | undefined;
}

/** Response headers saying who served the request and how fresh it is. */
function servedHeaders(served: Served): Record<string, string> {
  return {
    'x-served-region': served.servedRegion,
    'x-home-region': served.homeRegion,
    'x-consistency': served.consistency,
    'x-staleness-ms':
      served.stalenessMs === undefined ? 'unknown' : String(Math.round(served.stalenessMs)),
  };
}

function readResponse<T>(
  result: ReadResult<T>,
  body: Record<string, JsonValue | undefined>,
): HttpResult {
  return json(200, { ...body, version: result.version ?? null }, servedHeaders(result));
}

/** A write's answer; a write forwarded to the tenant's home is also counted. */
function writeResponse<T>(
  metric: MetricSink,
  result: WriteResult<T>,
  body: Record<string, JsonValue | undefined>,
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

const tenantOf = (params: Readonly<Record<string, string>>) =>
  checkId(params.tenant, 'tenant id', true);

function objectKey(
  params: Readonly<Record<string, string>>,
  type: DataType,
  idParam: string,
  what: string,
): ObjectKey {
  return { tenantId: tenantOf(params), type, objectId: checkId(params[idParam], what) };
}

function bodyOf<T>(event: HttpEvent, schema: z.ZodType<T>): T {
  return parseBody(schema, jsonBodyOf(event));
}

function noBody(event: HttpEvent): void {
  if (event.body !== undefined && event.body !== null && event.body !== '') {
    throw new RequestError(
      400,
      'unexpected_body',
      `${event.requestContext.http.method} takes no request body`,
    );
  }
}

/** A GET of one object: no body, no query, the tenant and object ids checked before any read. */
function objectRead(
  path: string,
  type: DataType,
  idParam: string,
  what: string,
  handle: (input: RouteInput, key: ObjectKey) => Promise<HttpResult>,
): Route {
  return {
    method: 'GET',
    path,
    write: false,
    validate: ({ event, params }) => {
      noBody(event);
      onlyQuery(event, []);
      return objectKey(params, type, idParam, what);
    },
    handle: (input, key) => handle(input, key as ObjectKey),
  };
}

// ---------------------------------------------------------------- counters and sets

const counterRoutes: Route[] = [
  objectRead(
    '/v1/tenants/{tenant}/counters/{name}',
    'pn-counter',
    'name',
    'counter name',
    async ({ service, options }, key) => {
      const result = await service.readCrdt(
        key,
        PN_COUNTER,
        (state: PNCounter) => state.value,
        options,
      );
      return readResponse(result, { value: result.value });
    },
  ),
  {
    method: 'POST',
    path: '/v1/tenants/{tenant}/counters/{name}',
    write: true,
    validate: ({ event, params }) => ({
      key: objectKey(params, 'pn-counter', 'name', 'counter name'),
      body: bodyOf(event, counterWrite),
    }),
    handle: async ({ service, options, metric }, validated) => {
      const { key, body } = validated as { key: ObjectKey; body: z.infer<typeof counterWrite> };
      const result = await service.writeCrdt(
        key,
        'counter.increment',
        PN_COUNTER,
        (state: PNCounter, region) => state.add(region, body.delta),
        (state) => state.value,
        options,
      );
      return writeResponse(metric, result, { value: result.value });
    },
  },
  objectRead(
    '/v1/tenants/{tenant}/sets/{name}',
    'or-set',
    'name',
    'set name',
    async ({ service, options }, key) => {
      const result = await service.readCrdt(key, OR_SET, (state: ORSet) => state.values(), options);
      return readResponse(result, { elements: result.value });
    },
  ),
  {
    method: 'POST',
    path: '/v1/tenants/{tenant}/sets/{name}',
    write: true,
    validate: ({ event, params }) => ({
      key: objectKey(params, 'or-set', 'name', 'set name'),
      body: bodyOf(event, setWrite),
    }),
    handle: async ({ service, options, metric }, validated) => {
      const { key, body } = validated as { key: ObjectKey; body: z.infer<typeof setWrite> };
      const operation: WriteClass = 'add' in body ? 'set.add' : 'set.remove';
      const result = await service.writeCrdt(
        key,
        operation,
        OR_SET,
        (state: ORSet, region) =>
          'add' in body ? state.add(body.add, region) : state.remove(body.remove),
        (state) => state.values(),
        options,
      );
      return writeResponse(metric, result, { elements: result.value });
    },
  },
];

// ---------------------------------------------------------------- profiles and carts

type VersionedKey = ObjectKey & { type: VersionedDataType };

function versionedBody<T>(read: VersionedRead<T>, view: (value: T) => JsonValue, field: string) {
  if (read.kind === 'missing') return undefined;
  if (read.kind === 'conflict') return undefined;
  return { [field]: view(read.value), siblingsMerged: read.siblings };
}

const profileRoutes: Route[] = [
  objectRead(
    '/v1/tenants/{tenant}/profiles/{id}',
    'profile',
    'id',
    'profile id',
    async ({ service, options }, key) => {
      const result = await service.readVersioned<Profile>(key as VersionedKey, options);
      const body = versionedBody(result.value, profileView, 'fields');
      if (body === undefined) throw notFound(`profile ${key.objectId} does not exist`);
      return readResponse(result, body);
    },
  ),
];

/** PUT replaces the document, PATCH changes fields; every field carries the write's stamp. */
const profileWriteRoutes: Route[] = (['PUT', 'PATCH'] as const).map((method) => ({
  method,
  path: '/v1/tenants/{tenant}/profiles/{id}',
  write: true,
  validate: ({ event, params }) => ({
    key: objectKey(params, 'profile', 'id', 'profile id'),
    body: bodyOf(event, method === 'PUT' ? profilePut : profilePatch),
  }),
  handle: async ({ service, options, metric }, validated) => {
    const { key, body } = validated as {
      key: VersionedKey;
      body: { fields: Record<string, JsonValue> };
    };
    const result = await service.writeVersioned<Profile>(
      key,
      method === 'PUT' ? 'profile.put' : 'profile.patch',
      (current, at) =>
        method === 'PUT'
          ? replaceProfile(current ?? emptyProfile(), body.fields, at)
          : patchProfile(current ?? emptyProfile(), body.fields, at),
      options,
    );
    return writeResponse(metric, result, { fields: profileView(result.value) });
  },
}));

const cartRoutes: Route[] = [
  objectRead(
    '/v1/tenants/{tenant}/carts/{id}',
    'cart',
    'id',
    'cart id',
    async ({ service, options }, key) => {
      const result = await service.readVersioned<Cart>(key as VersionedKey, options);
      const body = versionedBody(result.value, cartView, 'lines') ?? {
        lines: {},
        siblingsMerged: 0,
      };
      return readResponse(result, body);
    },
  ),
  {
    method: 'POST',
    path: '/v1/tenants/{tenant}/carts/{id}',
    write: true,
    validate: ({ event, params }) => ({
      key: objectKey(params, 'cart', 'id', 'cart id'),
      body: bodyOf(event, cartWrite),
    }),
    handle: async ({ service, options, metric }, validated) => {
      const { key, body } = validated as { key: VersionedKey; body: z.infer<typeof cartWrite> };
      const result = await service.writeVersioned<Cart>(
        key,
        'cart.update',
        (current, at) =>
          body.changes.reduce(
            (cart, change) =>
              'delta' in change
                ? changeCartLine(cart, change.sku, change.delta, at.region)
                : setCartLineQuantity(cart, change.sku, change.quantity, at.region),
            current ?? emptyCart(),
          ),
        options,
      );
      return writeResponse(metric, result, { lines: cartView(result.value) });
    },
  },
];

// ---------------------------------------------------------------- ledger and reconciliation

/** Opaque reference of a case in URLs: base64url of `[tenant, type, objectId, caseId]`. */
export function encodeCaseRef(ref: CaseRef): string {
  return Buffer.from(JSON.stringify([ref.tenantId, ref.type, ref.objectId, ref.caseId])).toString(
    'base64url',
  );
}

/** The tenant a case reference names, if it is one `encodeCaseRef` produced. */
export function tenantOfCaseRef(text: string): string | undefined {
  try {
    return decodeCaseRef(text).tenantId;
  } catch {
    return undefined;
  }
}

/** Reads a case reference from a URL, accepting only what `encodeCaseRef` produces. */
function decodeCaseRef(text: string | undefined): CaseRef & { type: VersionedDataType } {
  const invalid = () =>
    new RequestError(
      400,
      'invalid_id',
      `case reference ${JSON.stringify((text ?? '').slice(0, 60))} is not one this API returned; take it from GET /v1/reconciliation`,
    );
  if (text === undefined || !/^[A-Za-z0-9_-]{8,700}$/.test(text)) throw invalid();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 4 ||
    parts.some((part) => typeof part !== 'string')
  ) {
    throw invalid();
  }
  const [tenantId, type, objectId, caseId] = parts as [string, string, string, string];
  if (
    !(DATA_TYPE_NAMES as readonly string[]).includes(type) ||
    MERGE_REGISTRY.kindOf(type as DataType) !== 'reconcile' ||
    !/^case-[0-9a-f]{20}$/.test(caseId)
  ) {
    throw invalid();
  }
  try {
    checkId(tenantId, 'tenant id', true);
    checkId(objectId, 'object id');
  } catch {
    throw invalid();
  }
  return { tenantId, type: type as VersionedDataType, objectId, caseId };
}

function caseView(record: CaseRecord): Record<string, JsonValue> {
  return {
    caseRef: encodeCaseRef(record),
    caseId: record.caseId,
    tenant: record.tenantId,
    type: record.type,
    objectId: record.objectId,
    status: record.status,
    openedAt: new Date(record.openedAtMs).toISOString(),
    openedBy: record.openedBy,
    versions: record.reconciliation.siblings.map((sibling) => ({
      region: sibling.region,
      dot: sibling.dot,
      hlc: sibling.hlc,
      value: sibling.value,
    })),
  };
}

function accountView(account: LedgerAccount): Record<string, JsonValue> {
  return {
    currency: account.currency,
    balance: account.balance,
    entryCount: account.entryCount,
    recentEntries: account.recentEntries.map((entry) => ({
      entryId: entry.entryId,
      amount: entry.amount,
    })),
  };
}

const ledgerRoutes: Route[] = [
  objectRead(
    '/v1/tenants/{tenant}/accounts/{id}',
    'ledger-account',
    'id',
    'account id',
    async ({ service, options }, key) => {
      const accountKey = key as VersionedKey;
      const result = await service.readVersioned<LedgerAccount>(accountKey, options);
      if (result.value.kind === 'missing') {
        throw notFound(`account ${accountKey.objectId} does not exist`);
      }
      const openCases = (await service.casesOf(accountKey)).map(caseView);
      if (result.value.kind === 'conflict') {
        return readResponse(result, {
          balance: null,
          conflicted: true,
          versions: result.value.reconciliation.siblings.map((sibling) => ({
            region: sibling.hlc.region,
            dot: sibling.dot,
            ...accountView(sibling.value),
          })),
          openCases,
        });
      }
      return readResponse(result, {
        ...accountView(result.value.value),
        conflicted: false,
        openCases,
      });
    },
  ),
  {
    method: 'POST',
    path: '/v1/tenants/{tenant}/accounts/{id}/entries',
    write: true,
    validate: ({ event, params }) => ({
      key: objectKey(params, 'ledger-account', 'id', 'account id'),
      body: bodyOf(event, ledgerEntry),
    }),
    // The entry id deduplicates for as long as idempotency keys are kept, not only among the
    // account's recent entries.
    implicitIdempotencyKey: (validated) => {
      const { key, body } = validated as { key: ObjectKey; body: { entryId: string } };
      return `entry#${key.objectId}#${body.entryId}`;
    },
    handle: async ({ service, options, metric }, validated) => {
      const { key, body } = validated as { key: VersionedKey; body: z.infer<typeof ledgerEntry> };
      const entry: LedgerEntry = { entryId: body.entryId, amount: body.amount };
      const result = await service.writeVersioned<LedgerAccount>(
        key,
        'ledger.entry',
        (current) => {
          const account = current ?? openLedgerAccount(body.currency);
          if (account.currency !== body.currency) {
            throw unprocessable(
              'currency_mismatch',
              `account ${key.objectId} is in ${account.currency}; an entry in ${body.currency} cannot be applied`,
            );
          }
          if (!Number.isSafeInteger(account.balance + entry.amount)) {
            throw unprocessable(
              'balance_out_of_range',
              `account ${key.objectId} balance would exceed ${Number.MAX_SAFE_INTEGER} minor units`,
            );
          }
          return applyLedgerEntry(account, entry);
        },
        options,
      );
      return writeResponse(metric, result, accountView(result.value), 201);
    },
  },
  {
    method: 'GET',
    path: '/v1/reconciliation',
    write: false,
    validate: ({ event }) => {
      noBody(event);
      onlyQuery(event, ['limit', 'cursor']);
      const cursor = event.queryStringParameters?.cursor;
      if (cursor !== undefined && !/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) {
        throw new RequestError(
          400,
          'invalid_query',
          'cursor is not one this API returned; omit it to start from the first page',
        );
      }
      return { limit: queryInteger(event, 'limit', 25, 1, 100), cursor };
    },
    handle: async ({ service }, validated) => {
      const { limit, cursor } = validated as { limit: number; cursor: string | undefined };
      const page = await service.listOpenCases(limit, cursor);
      return json(
        200,
        { cases: page.cases.map(caseView), nextCursor: page.cursor ?? null },
        { 'x-served-region': service.region, 'x-consistency': 'local' },
      );
    },
  },
  {
    method: 'POST',
    path: '/v1/reconciliation/{case}/resolve',
    write: true,
    validate: ({ event, params }) => ({
      ref: decodeCaseRef(params.case),
      body: bodyOf(event, caseResolution),
    }),
    handle: async ({ service, options, metric }, validated) => {
      const { ref, body } = validated as {
        ref: CaseRef & { type: VersionedDataType };
        body: z.infer<typeof caseResolution>;
      };
      const result = await service.resolveCase<LedgerAccount>(
        ref,
        'ledger.entry',
        (open: ReconciliationCase<LedgerAccount>) => chooseResolution(open, body),
        options,
      );
      metric('ConflictResolutionMs', result.resolutionMs, 'Milliseconds');
      return writeResponse(metric, result, {
        caseId: ref.caseId,
        status: 'resolved',
        account: accountView(result.value),
      });
    },
  },
];

/** The value a person chose for a ledger case: one version as is, or a merged balance. */
function chooseResolution(
  open: ReconciliationCase<LedgerAccount>,
  body: z.infer<typeof caseResolution>,
): LedgerAccount {
  if ('choose' in body) {
    const sibling = open.siblings.find(
      (candidate) =>
        candidate.hlc.region === body.choose.region && candidate.dot === body.choose.dot,
    );
    if (sibling === undefined) {
      throw unprocessable(
        'unknown_version',
        `case ${open.caseId} has no version ${body.choose.region}:${body.choose.dot}; choose one of ${open.siblings.map((candidate) => `${candidate.hlc.region}:${candidate.dot}`).join(', ')}`,
      );
    }
    return sibling.value;
  }
  const first = open.siblings[0]?.value;
  if (first === undefined) {
    throw new AppError(409, 'case_stale', `case ${open.caseId} has no versions; reload it`);
  }
  if (open.siblings.some((sibling) => sibling.value.currency !== first.currency)) {
    throw unprocessable(
      'currency_mismatch',
      `case ${open.caseId} mixes currencies; choose one version instead`,
    );
  }
  const entries = new Map<string, LedgerEntry>();
  for (const sibling of open.siblings) {
    for (const entry of sibling.value.recentEntries) entries.set(entry.entryId, entry);
  }
  return {
    currency: first.currency,
    balance: body.balance,
    entryCount: Math.max(...open.siblings.map((sibling) => sibling.value.entryCount)),
    recentEntries: [...entries.values()].slice(-RECENT_LEDGER_ENTRIES),
  };
}

// ---------------------------------------------------------------- ownership

const ownershipRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/tenants/{tenant}/home',
    write: false,
    validate: ({ event, params }) => {
      noBody(event);
      onlyQuery(event, []);
      return tenantOf(params);
    },
    handle: async ({ service, options }, tenant) => {
      const result = await service.readHome(tenant as string, options);
      return readResponse(result, result.value);
    },
  },
  {
    method: 'PUT',
    path: '/v1/tenants/{tenant}/home',
    write: true,
    validate: ({ event, params }) => ({ tenant: tenantOf(params), body: bodyOf(event, homeWrite) }),
    handle: async ({ service, options, metric }, validated) => {
      const { tenant, body } = validated as { tenant: string; body: z.infer<typeof homeWrite> };
      const result = await service.transferHome(tenant, body.home, options);
      return writeResponse(metric, result, result.value);
    },
  },
];

/** Every API route but /health. */
export const ROUTES: readonly Route[] = [
  ...counterRoutes,
  ...profileRoutes,
  ...profileWriteRoutes,
  ...cartRoutes,
  ...ledgerRoutes,
  ...ownershipRoutes,
];

/** Finds the route for a request; lists the allowed methods when only the method is wrong. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params === undefined) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < expected.length; index += 1) {
    const part = expected[index] as string;
    const value = actual[index] as string;
    if (part.startsWith('{') && part.endsWith('}')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        throw new RequestError(
          400,
          'invalid_path',
          `path segment ${JSON.stringify(value.slice(0, 40))} is not valid percent-encoding`,
        );
      }
      params[part.slice(1, -1)] = decoded;
    } else if (part !== value) {
      return undefined;
    }
  }
  return params;
}
