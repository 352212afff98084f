/**
 * A client session: sends client operations to a region's API through the world, carries its
 * session token, and records every request and answer in the history.
 */
import type { HttpResult } from '../../lambda/handlers/http';
import { outcomeOf, type ClientOp, type History, type Operation } from './history';
import type { CheckerWorld } from './world';

/** The HTTP request of a client operation. */
export function requestOf(op: ClientOp): {
  method: string;
  path: string;
  body?: unknown;
  headers: Record<string, string>;
} {
  const tenant = `/v1/tenants/${op.tenant}`;
  switch (op.kind) {
    case 'counter.add':
      return {
        method: 'POST',
        path: `${tenant}/counters/${op.counter}`,
        body: { delta: op.delta },
        headers: {},
      };
    case 'counter.add-keyed':
      return {
        method: 'POST',
        path: `${tenant}/counters/${keyedCounterOf(op.key)}`,
        body: { delta: op.delta },
        headers: { 'idempotency-key': op.key },
      };
    case 'set.add':
      return {
        method: 'POST',
        path: `${tenant}/sets/${op.set}`,
        body: { add: op.element },
        headers: {},
      };
    case 'set.remove':
      return {
        method: 'POST',
        path: `${tenant}/sets/${op.set}`,
        body: { remove: op.element },
        headers: {},
      };
    case 'profile.patch':
      return {
        method: 'PATCH',
        path: `${tenant}/profiles/${op.profile}`,
        body: { fields: { [op.field]: op.value } },
        headers: {},
      };
    case 'ledger.entry':
      return {
        method: 'POST',
        path: `${tenant}/accounts/${op.account}/entries`,
        body: { entryId: op.entryId, amount: op.amount, currency: 'EUR' },
        headers: {},
      };
    case 'home.transfer':
      return { method: 'PUT', path: `${tenant}/home`, body: { home: op.to }, headers: {} };
    case 'case.resolve':
      return { method: 'GET', path: '/v1/reconciliation', headers: {} };
    case 'read': {
      const collection = {
        counter: 'counters',
        set: 'sets',
        profile: 'profiles',
        account: 'accounts',
      }[op.type];
      return {
        method: 'GET',
        path: `${tenant}/${collection}/${op.id}`,
        headers: { consistency: op.consistency },
      };
    }
  }
}

/** The counter a keyed increment writes (one per key, so its effects can be counted). */
export function keyedCounterOf(key: string): string {
  return `idem-${key}`;
}

/** Whether an operation writes. */
export function isWrite(op: ClientOp): boolean {
  return op.kind !== 'read';
}

/** One client. */
export class Session {
  private token: string | undefined;
  private readonly acknowledged: number[] = [];

  constructor(
    private readonly world: CheckerWorld,
    private readonly history: History,
    readonly client: number,
  ) {}

  /** Sends `op` to `region` and records it; keyed increments are sent again to their retry region. */
  async run(region: string, op: ClientOp): Promise<Operation[]> {
    if (op.kind === 'case.resolve') return this.resolve(region, op);
    const first = await this.send(region, op, requestOf(op));
    if (op.kind !== 'counter.add-keyed') return [first];
    const retry = await this.send(op.retryIn, op, requestOf(op), first.id);
    return [first, retry];
  }

  /** Sends one request and records it. */
  async send(
    region: string,
    op: ClientOp,
    request: { method: string; path: string; body?: unknown; headers: Record<string, string> },
    retryOf?: number,
  ): Promise<Operation> {
    const withToken =
      this.token === undefined
        ? request.headers
        : { ...request.headers, 'x-session-token': this.token };
    const operation: Operation = {
      id: this.history.operations.length + 1,
      client: this.client,
      region,
      op,
      method: request.method,
      path: request.path,
      ...(request.body === undefined ? {} : { body: request.body }),
      headers: withToken,
      ...(this.token === undefined ? {} : { token: this.token }),
      start: this.world.nextStep(),
      end: this.world.instant(),
      status: 0,
      responseHeaders: {},
      response: {},
      outcome: 'unknown',
      ...(retryOf === undefined ? {} : { retryOf }),
      sessionWrites: [...this.acknowledged],
    };
    this.history.operations.push(operation);
    let result: HttpResult;
    try {
      result = await this.world.request(region, request.method, request.path, {
        ...(request.body === undefined ? {} : { body: request.body }),
        headers: withToken,
      });
    } catch (error) {
      operation.end = this.world.nextStep();
      operation.response = { thrown: error instanceof Error ? error.message : String(error) };
      return operation;
    }
    operation.end = this.world.nextStep();
    operation.status = result.statusCode;
    operation.responseHeaders = result.headers;
    operation.response = JSON.parse(result.body) as Record<string, unknown>;
    operation.outcome = outcomeOf(result.statusCode);
    const token = result.headers['x-session-token'];
    if (operation.outcome === 'ok' && token !== undefined) {
      this.token = token;
      this.acknowledged.push(operation.id);
    }
    return operation;
  }

  /** A person's resolution: list the open cases here, resolve the account's first one with its first version. */
  private async resolve(
    region: string,
    op: Extract<ClientOp, { kind: 'case.resolve' }>,
  ): Promise<Operation[]> {
    const listing = await this.send(region, op, requestOf(op));
    const cases = (listing.response.cases ?? []) as Array<{
      caseRef: string;
      tenant: string;
      objectId: string;
      versions: Array<{ region: string; dot: number }>;
    }>;
    const open = cases.find((entry) => entry.tenant === op.tenant && entry.objectId === op.account);
    const version = open?.versions[0];
    if (open === undefined || version === undefined) return [listing];
    const resolution = await this.send(region, op, {
      method: 'POST',
      path: `/v1/reconciliation/${open.caseRef}/resolve`,
      body: { choose: { region: version.region, dot: version.dot } },
      headers: {},
    });
    return [listing, resolution];
  }
}
