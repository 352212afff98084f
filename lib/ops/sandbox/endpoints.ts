/**
 * `.sandbox/endpoints.json`: where everything of a running sandbox listens, and the API token,
 * for people (the printed commands) and tools (`aactl sandbox ...`, tests, the benchmarks).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegionSpec } from './deployment';
import type { DevelopmentToken } from './dev-token';
import { clientSubnetOf } from './geo';

/** One region's API. */
export interface RegionEndpoint {
  /** Base URL of the region's API on 127.0.0.1. */
  readonly url: string;
  /** The address DNS answers for the region's API (a label in 127/8; connect to `url`). */
  readonly address: string;
  /** Names the region's API answers (its custom domains). */
  readonly names: readonly string[];
  readonly healthPath: string;
}

/** The file. */
export interface Endpoints {
  readonly version: 1;
  readonly hubPid: number;
  readonly startedAt: string;
  /** Every interval is this share of the configured one (0.1: a 10 s health check runs every 1 s). */
  readonly scale: number;
  /** The AWS-compatible endpoint (`aactl --endpoint-url`). */
  readonly awsEndpoint: string;
  readonly dns: { readonly host: '127.0.0.1'; readonly port: number };
  readonly dynamodbLocal: string;
  readonly publicName: string;
  readonly hostedZoneId: string;
  /** An API token for every region (HS256, `Authorization: Bearer <token>`). */
  readonly token: string;
  readonly tokenExpiresAt: string;
  readonly regions: Readonly<Record<string, RegionEndpoint>>;
}

/** The file's name inside the sandbox directory. */
export const ENDPOINTS_FILE = 'endpoints.json';

/** The file's content for a sandbox that has just come up (written by this process, its hub). */
export function endpointsOf(options: {
  readonly scale: number;
  readonly startedAt: Date;
  readonly awsEndpoint: string;
  readonly dnsPort: number;
  readonly dynamoEndpoint: string;
  readonly publicName: string;
  readonly hostedZoneId: string;
  readonly token: DevelopmentToken;
  readonly regions: readonly {
    readonly spec: Pick<RegionSpec, 'region' | 'domainNames' | 'healthPath'>;
    readonly port: number;
    readonly address: string;
  }[];
}): Endpoints {
  return {
    version: 1,
    hubPid: process.pid,
    startedAt: options.startedAt.toISOString(),
    scale: options.scale,
    awsEndpoint: options.awsEndpoint,
    dns: { host: '127.0.0.1', port: options.dnsPort },
    dynamodbLocal: options.dynamoEndpoint,
    publicName: options.publicName,
    hostedZoneId: options.hostedZoneId,
    token: options.token.token,
    tokenExpiresAt: options.token.expiresAt.toISOString(),
    regions: Object.fromEntries(
      options.regions.map(({ spec, port, address }) => [
        spec.region,
        {
          url: `http://127.0.0.1:${port}`,
          address,
          names: spec.domainNames,
          healthPath: spec.healthPath,
        },
      ]),
    ),
  };
}

/** Write the file (the hub, once everything serves). */
export function writeEndpoints(dir: string, endpoints: Endpoints): void {
  writeFileSync(join(dir, ENDPOINTS_FILE), `${JSON.stringify(endpoints, null, 2)}\n`);
}

/** Read the file, or undefined when no sandbox wrote one. */
export function readEndpoints(dir: string): Endpoints | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, ENDPOINTS_FILE), 'utf8')) as Endpoints;
  } catch {
    return undefined;
  }
}

/**
 * The commands printed on start, each runnable as printed from the project root on a machine with
 * only Node.js (plus curl; dig and the AWS CLI for those who have them).
 */
export function readyCommands(
  endpoints: Endpoints,
  options: {
    readonly aactl: string;
    /** The sandbox directory relative to where the commands run. @default '.sandbox' */
    readonly dir?: string;
    /** The region the drill takes out: one DNS answers with (in active-passive, the primary). */
    readonly drillRegion?: string;
  },
): string[] {
  const dir = options.dir ?? '.sandbox';
  const dirFlag = dir === '.sandbox' ? '' : ` --dir ${dir}`;
  const regions = Object.entries(endpoints.regions);
  const [first] = regions;
  const second = regions[1] ?? first;
  const lines: string[] = [];
  const auth = '-H "Authorization: Bearer $TOKEN"';
  lines.push('# the API token (HS256, the same key every region verifies with):');
  lines.push(`export TOKEN=$(node -p "require('./${dir}/endpoints.json').token")`);
  lines.push(
    '# write in one region (its answer carries a session token), then read it in another with',
  );
  lines.push(
    '# consistency read-your-writes: that region answers with the write even before it replicates',
  );
  if (first !== undefined) {
    lines.push(
      `SESSION=$(curl -s -X POST ${auth} -H 'content-type: application/json' -d '{"delta": 1}' ${first[1].url}/v1/tenants/acme/counters/visits | node -e "const a = JSON.parse(require('fs').readFileSync(0, 'utf8')); console.error(JSON.stringify(a)); console.log(a.sessionToken)")`,
    );
  }
  if (second !== undefined) {
    lines.push(
      `curl -s ${auth} -H 'consistency: read-your-writes' -H "x-session-token: $SESSION" ${second[1].url}/v1/tenants/acme/counters/visits`,
    );
  }
  lines.push(`curl -s ${regions.map(([, region]) => region.url + region.healthPath).join(' ')}`);
  lines.push('# what DNS answers from a region (and the same with dig):');
  const from = regions.find(([name]) => name === 'eu-west-1')?.[0] ?? second?.[0] ?? 'us-east-1';
  lines.push(`${options.aactl} sandbox resolve ${endpoints.publicName} --from ${from}${dirFlag}`);
  lines.push(
    `dig @127.0.0.1 -p ${endpoints.dns.port} ${endpoints.publicName} +subnet=${clientSubnetOf(from) ?? '54.246.90.0'}/24`,
  );
  lines.push('# on-call tools against the sandbox (and the AWS CLI, for those who have it):');
  lines.push(`${options.aactl} --endpoint-url ${endpoints.awsEndpoint} status`);
  lines.push(
    `AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox aws --endpoint-url ${endpoints.awsEndpoint} --region ${from} cloudwatch describe-alarms --query 'MetricAlarms[].[AlarmName,StateValue]' --output text`,
  );
  lines.push(
    `${options.aactl} --endpoint-url ${endpoints.awsEndpoint} drill fail --region ${options.drillRegion ?? from} --execute --yes --hold 10s --poll 1s`,
  );
  lines.push('# failures:');
  lines.push(
    `${options.aactl} sandbox partition ${first?.[0] ?? 'us-east-1'} ${from}${dirFlag}   # then: ${options.aactl} sandbox heal${dirFlag}`,
  );
  lines.push(`${options.aactl} sandbox status${dirFlag}`);
  return lines;
}
