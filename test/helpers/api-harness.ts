import {
  MEMORY_TABLE_INDEXES,
  MemoryIdempotencyStore,
  MemoryReplica,
} from '../../lambda/adapters/memory-replica';
import type { StreamChange } from '../../lambda/app/conflict-feed';
import type { IdempotencyStore, RegionReplica } from '../../lambda/app/ports';
import { ActiveActiveService } from '../../lambda/app/service';
import { takeOverTenant } from '../../lambda/app/takeover';
import type { DataDomain, RolloutPhase, WriteClass } from '../../lambda/domain/catalog';
import { HybridLogicalClock } from '../../lambda/domain/hlc';
import type { SessionKeyring } from '../../lambda/domain/session-token';
import { buildWritePolicy } from '../../lambda/domain/write-policy';
import { makeHandler, type ApiDeps } from '../../lambda/handlers/api';
import type { HttpEvent, HttpResult } from '../../lambda/handlers/http';
import {
  MemoryGlobalTable,
  type MemoryGlobalTableOptions,
} from '../../lambda/replication/memory-table';
import { assertConforms, conforming, exchangeOf } from './openapi-conformance';

export const TEST_KEYRING: SessionKeyring = {
  signing: { id: 'test', secret: 'test-secret-test-secret-test-secret-0123' },
};

export interface RegionApiOptions {
  readonly regions: readonly string[];
  readonly region: string;
  readonly phase?: RolloutPhase;
  /** The home of never-assigned tenants (the pinned data region). @default - the first region */
  readonly defaultHome?: string;
  readonly domains?: Partial<Record<DataDomain, RolloutPhase>>;
  readonly limitedWriteClasses?: readonly WriteClass[];
  readonly replicas: (region: string) => RegionReplica;
  readonly idempotency: IdempotencyStore;
  /** Idempotency claims in another region (the tenant's home). @default - this region's */
  readonly idempotencyIn?: (region: string) => IdempotencyStore;
  readonly now?: () => number;
  /** What the Date header of DynamoDB's answers says of this region's clock. @default - unmonitored */
  readonly ownClockOffsetMs?: () => number | undefined;
}

/** Everything a test inspects after calling the API. */
export interface Recorded {
  readonly metrics: Array<{ name: string; value: number }>;
  readonly errors: Array<{ message: string; details?: Record<string, unknown> }>;
}

/** API deps for one region over any replicas (in-memory or DynamoDB Local). */
export function apiDeps(options: RegionApiOptions, recorded: Recorded): ApiDeps {
  const now = options.now ?? Date.now;
  const primaryRegion = options.regions[0] as string;
  const service = new ActiveActiveService({
    regions: options.regions,
    policy: buildWritePolicy({
      region: options.region,
      primaryRegion,
      ...(options.defaultHome ? { defaultHome: options.defaultHome } : {}),
      phase: options.phase ?? 'active-active',
      domains: options.domains ?? {},
      limitedWriteClasses: options.limitedWriteClasses ?? [],
    }),
    replicas: options.replicas,
    clock: new HybridLogicalClock({ region: options.region, wallClock: now }),
    keyring: TEST_KEYRING,
    now,
    regionalUrl: (region) => `https://${region}.api.example.com`,
    ...(options.ownClockOffsetMs ? { ownClockOffsetMs: options.ownClockOffsetMs } : {}),
  });
  return {
    config: { region: options.region },
    service: async () => service,
    keyring: async () => TEST_KEYRING,
    idempotency: options.idempotency,
    ...(options.idempotencyIn ? { idempotencyIn: options.idempotencyIn } : {}),
    now,
    log: {
      info: () => undefined,
      warn: () => undefined,
      error: (message, details) =>
        recorded.errors.push({ message, ...(details ? { details } : {}) }),
    },
    metric: (name, value) => recorded.metrics.push({ name, value }),
  };
}

/** A parsed response. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly raw: HttpResult;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Raw body text (wins over `body`). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
}

let requestCounter = 0;

/** Builds an API Gateway v2 event. */
export function httpEvent(method: string, path: string, options: CallOptions = {}): HttpEvent {
  const hasBody = options.rawBody !== undefined || options.body !== undefined;
  requestCounter += 1;
  return {
    rawPath: path,
    headers: {
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...(options.headers ?? {}),
    },
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    isBase64Encoded: false,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: { http: { method }, requestId: `req-${requestCounter}` },
  };
}

/**
 * Calls an API function handler and parses the JSON answer; the exchange must conform to the
 * OpenAPI document (./openapi-conformance.ts), else the call throws naming every departure.
 */
export async function call(
  handler: (event: HttpEvent) => Promise<HttpResult>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const event = httpEvent(method, path, options);
  const raw = await handler(event);
  assertConforms(exchangeOf(event, raw), { served: 'api' });
  return {
    status: raw.statusCode,
    headers: raw.headers,
    body: (raw.body === '' ? {} : JSON.parse(raw.body)) as Record<string, unknown>,
    raw,
  };
}

/** An in-memory global table with the app's index, replicated by the engine. */
export function memoryTable(
  regions: readonly string[],
  options: Omit<MemoryGlobalTableOptions, 'regions' | 'indexes'> = {},
): MemoryGlobalTable {
  return new MemoryGlobalTable({ regions, indexes: MEMORY_TABLE_INDEXES, ...options });
}

/** `region`'s replica of an in-memory table, as a process in `caller` reaches it. */
export function memoryReplica(
  table: MemoryGlobalTable,
  region: string,
  caller = region,
): MemoryReplica {
  return new MemoryReplica({ table, region, caller });
}

/** A region's stream as the conflict feed's Lambda receives it (images unmarshalled). */
export function streamChangesOf(table: MemoryGlobalTable, region: string): StreamChange[] {
  return table
    .stream(region)
    .all()
    .map((record) => ({
      sequenceNumber: record.sequenceNumber,
      eventName: record.eventName,
      ...(record.newImage === undefined ? {} : { newImage: { ...record.newImage } }),
      approximateCreationMs: record.approximateCreationMs,
    }));
}

/** Options of {@link memoryApi}. */
export interface MemoryApiOptions extends Omit<
  RegionApiOptions,
  'regions' | 'region' | 'replicas' | 'idempotency'
> {
  /**
   * Check every exchange of `handler(region)` against the OpenAPI document (`call` always does).
   * @default true (benchmarks turn it off: it is not the API's own cost)
   */
  readonly conformance?: boolean;
}

/**
 * An in-memory multi-region API: one handler per region over one in-memory global table. Every
 * exchange is checked against the OpenAPI document.
 */
export function memoryApi(regions: readonly string[], options: MemoryApiOptions = {}) {
  const world = memoryTable(regions);
  const recorded: Recorded = { metrics: [], errors: [] };
  const handlers = new Map(
    regions.map((region) => [
      region,
      makeHandler(
        apiDeps(
          {
            ...options,
            regions,
            region,
            replicas: (target) => memoryReplica(world, target, region),
            idempotency: new MemoryIdempotencyStore(world, region),
            idempotencyIn: (target) =>
              new MemoryIdempotencyStore(world, target, { caller: region }),
          },
          recorded,
        ),
      ),
    ]),
  );
  const checked = new Map(
    [...handlers].map(([region, handler]) => [
      region,
      options.conformance === false ? handler : conforming(handler, { served: 'api' }),
    ]),
  );
  return {
    world,
    recorded,
    handler: (region: string) => checked.get(region) as (event: HttpEvent) => Promise<HttpResult>,
    call: (region: string, method: string, path: string, callOptions: CallOptions = {}) =>
      call(
        handlers.get(region) as (event: HttpEvent) => Promise<HttpResult>,
        method,
        path,
        callOptions,
      ),
  };
}

/**
 * Makes concurrent versions of a ledger account in `memoryApi` (regions[0] home): an entry the
 * home acknowledged has not replicated when an operator takes the tenant over into regions[1] (the
 * home is lost), the new home writes on top of what it has, and then the lost home's entry arrives.
 * Returns the new home's concurrent write.
 */
export async function conflictedAccount(
  api: ReturnType<typeof memoryApi>,
  tenant: string,
  account: string,
): Promise<ApiResponse> {
  const [oldHome, newHome] = api.world.regions as [string, string];
  const entries = `/v1/tenants/${tenant}/accounts/${account}/entries`;
  await api.call(oldHome, 'POST', entries, {
    body: { entryId: 'e1', amount: 100, currency: 'EUR' },
  });
  api.world.deliverAll();
  await api.call(oldHome, 'POST', entries, {
    body: { entryId: 'e2', amount: 50, currency: 'EUR' },
  });
  // the old home is lost before its last entry replicated: an operator takes the tenant over
  const taken = await takeOverTenant({
    tenantId: tenant,
    replica: memoryReplica(api.world, newHome),
    regions: api.world.regions,
    defaultHome: oldHome,
    clock: new HybridLogicalClock({ region: newHome }),
  });
  if (taken.kind !== 'taken-over') throw new Error(`takeover did nothing: ${taken.kind}`);
  api.world.deliver({ from: newHome });
  const concurrent = await api.call(newHome, 'POST', entries, {
    body: { entryId: 'e3', amount: -30, currency: 'EUR' },
  });
  // the lost home returns
  api.world.deliverAll();
  return concurrent;
}
