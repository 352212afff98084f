/**
 * DNS as the sandbox's clients see it: each region's API gets an address label in 127/8 (what DNS
 * answers; the region's URL is in endpoints.json), the API Gateway endpoint names the records'
 * aliases point at resolve to those labels, and a name of the zone is answered as Route 53 would
 * answer it for a client in a given region (./route53-answers.ts), TTLs scaled with everything
 * else.
 */
import { normalizeName, type SandboxDeployment } from './deployment';
import { distanceKm, regionOfClientSubnet } from './geo';
import { answerQuery, type DnsAnswerResult } from './route53-answers';

/** TTL of an AWS endpoint's own answer (an alias to it takes this TTL). */
const ENDPOINT_TTL_SECONDS = 60;

/** What the sandbox's DNS needs. */
export interface SandboxDnsOptions {
  readonly deployment: SandboxDeployment;
  /** The hosted zone's name. */
  readonly zoneName: string;
  /** Route 53's view of a health check. */
  isHealthy(healthCheckId: string): boolean;
  /** Multiplies TTLs (at least 1 s). */
  readonly scale: number;
  /** Where a client without an EDNS client subnet is. */
  readonly defaultClientRegion: string;
}

/** The sandbox's DNS answers. */
export class SandboxDns {
  private readonly addressOf = new Map<string, string>();
  private readonly regionByAddress = new Map<string, string>();
  /** API Gateway regional endpoint name -> the region's address label. */
  private readonly endpointNames = new Map<string, string>();
  private readonly zoneName: string;

  constructor(private readonly options: SandboxDnsOptions) {
    this.zoneName = normalizeName(options.zoneName);
    options.deployment.regionSpecs.forEach((spec, index) => {
      const address = `127.1.0.${index + 1}`;
      this.addressOf.set(spec.region, address);
      this.regionByAddress.set(address, spec.region);
    });
    for (const spec of options.deployment.regionSpecs) {
      for (const record of options.deployment.records) {
        if (record.alias?.dnsName.endsWith(`.execute-api.${spec.region}.amazonaws.com`)) {
          this.endpointNames.set(record.alias.dnsName, this.address(spec.region));
        }
      }
    }
  }

  /** The address DNS answers for a region's API. */
  address(region: string): string {
    const address = this.addressOf.get(region);
    if (address === undefined) throw new Error(`no sandbox region ${region}`);
    return address;
  }

  /** The region a DNS answer's address belongs to. */
  regionOfAddress(address: string): string | undefined {
    return this.regionByAddress.get(address);
  }

  /** What Route 53 answers for `name` to a client in `clientRegion`. */
  resolve(name: string, type: string, clientRegion: string): DnsAnswerResult {
    const answer = answerQuery(
      {
        records: this.options.deployment.records,
        isHealthy: (id) => this.options.isHealthy(id),
        endpointAddresses: (endpoint) => {
          const address = this.endpointNames.get(endpoint);
          return address === undefined ? undefined : [address];
        },
        endpointTtlSeconds: ENDPOINT_TTL_SECONDS,
        latency: (region) => distanceKm(clientRegion, region),
      },
      normalizeName(name),
      type,
    );
    return {
      ...answer,
      ttlSeconds: Math.max(1, Math.round(answer.ttlSeconds * this.options.scale)),
    };
  }

  /**
   * The DNS server's answer to a query, the client placed by its EDNS client subnet; undefined
   * (REFUSED) for names the sandbox is not authoritative for.
   */
  answer(
    name: string,
    type: string,
    clientSubnet: string | undefined,
  ): DnsAnswerResult | undefined {
    const normalized = normalizeName(name);
    const ours =
      normalized === this.zoneName ||
      normalized.endsWith(`.${this.zoneName}`) ||
      this.endpointNames.has(normalized);
    if (!ours) return undefined;
    const from = clientSubnet === undefined ? undefined : regionOfClientSubnet(clientSubnet);
    return this.resolve(normalized, type, from ?? this.options.defaultClientRegion);
  }
}
