import {
  ChangeTagsForResourceCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListHealthChecksCommand,
  ListTagsForResourcesCommand,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
  type HealthCheck,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { TAG_APP } from '../../../lambda/contract/naming';
import type { DnsAnswer } from '../dns-answer';
import type { CheckerObservation } from '../health';

/**
 * The thin Route 53 gateway: one method per API call the CLI makes, returning plain data. It is a
 * plain object of functions (not a class) so tests and emulator runs can replace single methods:
 * `{ ...createRoute53Gateway(client), getHealthCheckStatus: fake }`.
 */

/** A health check's settings that a drill reads and writes. */
export interface HealthCheckDetails {
  readonly id: string;
  /** `HealthCheckVersion`, for optimistic concurrency on updates. */
  readonly version: number;
  readonly inverted: boolean;
  readonly disabled: boolean;
  /** The checked endpoint's name, if any. */
  readonly fqdn: string | undefined;
}

/** A health check with its tags. */
export interface TaggedHealthCheck extends HealthCheckDetails {
  readonly tags: Readonly<Record<string, string>>;
}

/** One TestDNSAnswer query. */
export interface DnsQuery {
  readonly hostedZoneId: string;
  readonly recordName: string;
  readonly recordType: 'A' | 'AAAA' | 'CNAME';
  /** EDNS0 client subnet address, to answer as for a client there. */
  readonly clientSubnet?: string;
  /** Prefix length of the client subnet. */
  readonly clientSubnetMask?: number;
}

/** Route 53 as the CLI sees it. */
export interface Route53Gateway {
  /** Every health check tagged `aa:app=<appName>`, with its tags. */
  listAppHealthChecks(appName: string): Promise<TaggedHealthCheck[]>;
  /** Current settings of one health check. */
  getHealthCheck(id: string): Promise<HealthCheckDetails>;
  /** Latest report of each health checker. */
  getHealthCheckStatus(id: string): Promise<CheckerObservation[]>;
  /** Set `Inverted`, failing with HealthCheckVersionMismatch if `version` is stale. */
  setInverted(id: string, inverted: boolean, version: number): Promise<HealthCheckDetails>;
  /** Tags of the given health checks. */
  getTags(ids: readonly string[]): Promise<Map<string, Record<string, string>>>;
  /** Add or overwrite one tag. */
  putTag(id: string, key: string, value: string): Promise<void>;
  /** Remove one tag. */
  removeTag(id: string, key: string): Promise<void>;
  /** What Route 53 would answer for a name, optionally as seen from a client subnet. */
  testDnsAnswer(query: DnsQuery): Promise<DnsAnswer>;
}

/** ListTagsForResources accepts at most 10 ids per call. */
const TAG_BATCH = 10;

/** Build the gateway on a Route 53 client (region us-east-1). */
export function createRoute53Gateway(client: Route53Client): Route53Gateway {
  const getTags = async (ids: readonly string[]) => {
    const tags = new Map<string, Record<string, string>>();
    for (let start = 0; start < ids.length; start += TAG_BATCH) {
      const batch = ids.slice(start, start + TAG_BATCH);
      const out = await client.send(
        new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: batch }),
      );
      for (const set of out.ResourceTagSets ?? []) {
        if (set.ResourceId === undefined) continue;
        tags.set(
          set.ResourceId,
          Object.fromEntries((set.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
        );
      }
    }
    return tags;
  };

  return {
    async listAppHealthChecks(appName) {
      const all: HealthCheck[] = [];
      let marker: string | undefined;
      do {
        const page = await client.send(
          new ListHealthChecksCommand({ MaxItems: 100, ...(marker ? { Marker: marker } : {}) }),
        );
        all.push(...(page.HealthChecks ?? []));
        marker = page.IsTruncated ? page.NextMarker : undefined;
      } while (marker);
      const details = all.map(toDetails);
      const tags = await getTags(details.map((check) => check.id));
      return details
        .map((check) => ({ ...check, tags: tags.get(check.id) ?? {} }))
        .filter((check) => check.tags[TAG_APP] === appName);
    },

    async getHealthCheck(id) {
      const out = await client.send(new GetHealthCheckCommand({ HealthCheckId: id }));
      return toDetails(out.HealthCheck ?? { Id: id });
    },

    async getHealthCheckStatus(id) {
      const out = await client.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
      return (out.HealthCheckObservations ?? []).map((observation): CheckerObservation => ({
        checkerRegion: observation.Region ?? 'unknown',
        status: observation.StatusReport?.Status ?? '',
        ...(observation.StatusReport?.CheckedTime
          ? { checkedAt: observation.StatusReport.CheckedTime }
          : {}),
      }));
    },

    async setInverted(id, inverted, version) {
      const out = await client.send(
        new UpdateHealthCheckCommand({
          HealthCheckId: id,
          HealthCheckVersion: version,
          Inverted: inverted,
        }),
      );
      return toDetails(out.HealthCheck ?? { Id: id });
    },

    getTags,

    async putTag(id, key, value) {
      await client.send(
        new ChangeTagsForResourceCommand({
          ResourceType: 'healthcheck',
          ResourceId: id,
          AddTags: [{ Key: key, Value: value }],
        }),
      );
    },

    async removeTag(id, key) {
      await client.send(
        new ChangeTagsForResourceCommand({
          ResourceType: 'healthcheck',
          ResourceId: id,
          RemoveTagKeys: [key],
        }),
      );
    },

    async testDnsAnswer(query) {
      const out = await client.send(
        new TestDNSAnswerCommand({
          HostedZoneId: query.hostedZoneId,
          RecordName: query.recordName,
          RecordType: query.recordType,
          ...(query.clientSubnet !== undefined
            ? {
                EDNS0ClientSubnetIP: query.clientSubnet,
                EDNS0ClientSubnetMask: String(query.clientSubnetMask ?? 24),
              }
            : {}),
        }),
      );
      return { responseCode: out.ResponseCode ?? 'UNKNOWN', recordData: out.RecordData ?? [] };
    },
  };
}

function toDetails(check: Partial<HealthCheck>): HealthCheckDetails {
  return {
    id: check.Id ?? '',
    version: check.HealthCheckVersion ?? 1,
    inverted: check.HealthCheckConfig?.Inverted ?? false,
    disabled: check.HealthCheckConfig?.Disabled ?? false,
    fqdn: check.HealthCheckConfig?.FullyQualifiedDomainName,
  };
}
