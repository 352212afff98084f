/**
 * A small typed client of the API, built on the types `openapi-typescript` generates from
 * docs/openapi.json (./api-types.generated.ts): what the README's "A typed client" section shows.
 * It keeps the session token of its last write (for `read-your-writes`), and retries a write with
 * the same Idempotency-Key while the answer says the outcome may not be final (409
 * `idempotency_in_progress`, 503, or no answer at all), so a write applies at most once.
 */
import type { components, operations, paths } from './api-types.generated';

/** The success body of an operation. */
export type Answer<Id extends keyof operations> = operations[Id]['responses'] extends {
  200: { content: { 'application/json': infer Body } };
}
  ? Body
  : operations[Id]['responses'] extends { 201: { content: { 'application/json': infer Body } } }
    ? Body
    : never;

type Responses = components['responses'];
/** Every error body of the document: the API's `{"error": {...}}`, or API Gateway's message. */
export type ApiError = {
  [K in keyof Responses]: Responses[K] extends { content: { 'application/json': infer Body } }
    ? Body
    : never;
}[keyof Responses];

/** The consistency levels a read may ask for (from the document). */
export type Consistency = NonNullable<
  NonNullable<operations['readCounter']['parameters']['header']>['Consistency']
>;

/** An answer that was not 2xx: the status and the API's error (or API Gateway's message). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super('error' in body ? `${status} ${body.error.code}: ${body.error.message}` : body.message);
    this.name = 'ApiFailure';
  }
}

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** A server of the document, e.g. `https://api.example.com` or a region's own name. */
  readonly baseUrl: string;
  /** The bearer token (`npm run api-token`, or your OIDC provider's JWT). */
  readonly token: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Attempts of a write before giving up. @default 4 */
  readonly attempts?: number;
  /** Waits between attempts (tests pass a fake). @default - setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

/** A typed client of some of the API's routes; add the others the same way. */
export class ApiClient {
  /** The session token of the last write: sent with every request once there is one. */
  sessionToken: string | undefined;

  constructor(private readonly options: ApiClientOptions) {}

  /** `GET /v1/tenants/{tenant}/counters/{name}` */
  readCounter(
    tenant: string,
    name: string,
    consistency: Consistency = 'local',
  ): Promise<Answer<'readCounter'>> {
    return this.send('GET', this.path('/v1/tenants/{tenant}/counters/{name}', { tenant, name }), {
      consistency,
    });
  }

  /** `POST /v1/tenants/{tenant}/counters/{name}`, at most once per `idempotencyKey`. */
  incrementCounter(
    tenant: string,
    name: string,
    body: NonNullable<operations['incrementCounter']['requestBody']>['content']['application/json'],
    idempotencyKey: string,
  ): Promise<Answer<'incrementCounter'>> {
    const path = this.path('/v1/tenants/{tenant}/counters/{name}', { tenant, name });
    return this.send('POST', path, { body, idempotencyKey });
  }

  /** `POST /v1/tenants/{tenant}/accounts/{id}/entries`: the entry id is its idempotency key. */
  appendLedgerEntry(
    tenant: string,
    id: string,
    body: NonNullable<
      operations['appendLedgerEntry']['requestBody']
    >['content']['application/json'],
  ): Promise<Answer<'appendLedgerEntry'>> {
    const path = this.path('/v1/tenants/{tenant}/accounts/{id}/entries', { tenant, id });
    return this.send('POST', path, { body, idempotencyKey: `entry-${body.entryId}` });
  }

  /** `GET /v1/tenants/{tenant}/accounts/{id}` */
  readAccount(
    tenant: string,
    id: string,
    consistency: Consistency = 'local',
  ): Promise<Answer<'readAccount'>> {
    return this.send('GET', this.path('/v1/tenants/{tenant}/accounts/{id}', { tenant, id }), {
      consistency,
    });
  }

  /** A path of the document with its parameters filled in. */
  private path<P extends keyof paths>(template: P, parameters: Record<string, string>): string {
    return String(template).replace(/\{([^}]+)\}/g, (_all, name: string) =>
      encodeURIComponent(parameters[name] ?? ''),
    );
  }

  private async send<T>(
    method: Method,
    path: string,
    request: { body?: unknown; consistency?: Consistency; idempotencyKey?: string },
  ): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.consistency !== undefined) headers.consistency = request.consistency;
    if (this.sessionToken !== undefined) headers['x-session-token'] = this.sessionToken;
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    const attempts = method === 'GET' || request.idempotencyKey !== undefined ? this.attempts : 1;
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(`${this.options.baseUrl}${path}`, {
          method,
          headers,
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        });
      } catch (error) {
        // no answer: the write may have applied; the same key makes the retry safe
        if (attempt >= attempts) throw error;
        await this.wait(attempt, null);
        continue;
      }
      const body = (await response.json()) as T | ApiError;
      if (response.ok) {
        const token = response.headers.get('x-session-token');
        if (token !== null) this.sessionToken = token;
        return body as T;
      }
      if (!retryable(response.status, body) || attempt >= attempts) {
        throw new ApiFailure(response.status, body as ApiError);
      }
      await this.wait(attempt, response.headers.get('retry-after'));
    }
  }

  private get attempts(): number {
    return this.options.attempts ?? 4;
  }

  private wait(attempt: number, retryAfter: string | null): Promise<void> {
    const ms = retryAfter === null ? 200 * 2 ** attempt : Number(retryAfter) * 1000;
    return (this.options.sleep ?? ((delay) => new Promise((done) => setTimeout(done, delay))))(ms);
  }
}

/** Answers worth the same request again: in progress elsewhere, or a region that did not answer. */
function retryable(status: number, body: unknown): boolean {
  const code = (body as { error?: { code?: string } }).error?.code;
  return (status === 409 && code === 'idempotency_in_progress') || status === 503 || status === 429;
}
