/**
 * Clients of a running sandbox, for tests, the benchmarks and people's scripts: one that calls a
 * region's API directly (with the sandbox's token), and one that calls the public name the way a
 * real client does, through the sandbox's DNS from a region's vantage, caching the answer for its
 * TTL (so during a failover it keeps calling the old region until the TTL runs out).
 */
import { queryDns } from './dns-server';
import type { Endpoints } from './endpoints';
import { clientSubnetOf } from './geo';

/** One answer of the API. */
export interface ApiAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
  /** The region whose API answered (the one called, not `X-Served-Region`). */
  readonly region: string;
}

/** What a request may carry. */
export interface ApiRequestOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** @default 10_000 */
  readonly timeoutMs?: number;
}

/** Call one region's API with the sandbox's token. */
export async function callRegion(
  endpoints: Endpoints,
  region: string,
  method: string,
  path: string,
  options: ApiRequestOptions = {},
): Promise<ApiAnswer> {
  const target = endpoints.regions[region];
  if (target === undefined) throw new Error(`no sandbox region ${region}`);
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${endpoints.token}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = { text };
  }
  return { status: response.status, headers: Object.fromEntries(response.headers), body, region };
}

/** A client of the public name that honours DNS TTLs. */
export class DnsFollowingClient {
  private cached: { region: string; until: number } | undefined;
  /** How many times it asked DNS. */
  lookups = 0;

  constructor(
    private readonly endpoints: Endpoints,
    /** Where the client is (its vantage subnet goes out as EDNS client subnet). */
    readonly from: string,
    private readonly requestTimeoutMs = 1_000,
  ) {}

  /** The region the cached (or a fresh) answer points at. */
  async currentRegion(): Promise<string> {
    const now = Date.now();
    if (this.cached !== undefined && this.cached.until > now) return this.cached.region;
    const subnet = clientSubnetOf(this.from);
    const answer = await queryDns({
      port: this.endpoints.dns.port,
      name: this.endpoints.publicName,
      ...(subnet === undefined ? {} : { clientSubnet: subnet }),
    });
    this.lookups += 1;
    const first = answer.answers[0];
    const region = Object.entries(this.endpoints.regions).find(
      ([, entry]) => entry.address === first?.value,
    )?.[0];
    if (first === undefined || region === undefined) {
      throw new Error(
        `DNS answered ${answer.rcode} with no region for ${this.endpoints.publicName}`,
      );
    }
    this.cached = { region, until: now + first.ttl * 1000 };
    return region;
  }

  /** Call the public name; a timeout or refused connection throws, as for a real client. */
  async request(method: string, path: string, options: ApiRequestOptions = {}): Promise<ApiAnswer> {
    const region = await this.currentRegion();
    return callRegion(this.endpoints, region, method, path, {
      timeoutMs: this.requestTimeoutMs,
      ...options,
    });
  }
}
