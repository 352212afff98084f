import type { SandboxStatus } from '../sandbox/controls';
import { readyCommands, type Endpoints } from '../sandbox/endpoints';
import { formatTable } from './output';

/** The command people run aactl with from the project root. */
export const AACTL = 'npm run -s aactl --';

/** What `sandbox up` prints once everything serves. */
export function renderSandboxUp(
  endpoints: Endpoints,
  startup: {
    readonly totalMs: number;
    readonly synthMs: number;
    readonly bundleMs: number;
    readonly dynamoMs: number;
    readonly regionsMs: number;
  },
  phase: string,
  dir = '.sandbox',
  drillRegion?: string,
): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `sandbox up in ${seconds(startup.totalMs)} (synth ${seconds(startup.synthMs)}, bundles ${seconds(startup.bundleMs)}, DynamoDB Local ${seconds(startup.dynamoMs)}, regions ${seconds(startup.regionsMs)}); phase ${phase}, intervals x${endpoints.scale}`,
    '',
    formatTable(
      ['region', 'API', 'DNS answers'],
      Object.entries(endpoints.regions).map(([region, entry]) => [
        region,
        entry.url,
        entry.address,
      ]),
    ),
    '',
    `AWS endpoint  ${endpoints.awsEndpoint}   (aactl --endpoint-url, AWS CLI --endpoint-url)`,
    `DNS           127.0.0.1:${endpoints.dns.port} (UDP and TCP) for ${endpoints.publicName}`,
    `API token     development only, signed with this sandbox's own key, valid until ${endpoints.tokenExpiresAt}:`,
    `              ${endpoints.token}`,
    `everything    ${dir}/endpoints.json; logs in ${dir}/logs/`,
    '',
    ...readyCommands(endpoints, {
      aactl: AACTL,
      dir,
      ...(drillRegion === undefined ? {} : { drillRegion }),
    }),
    '',
    'Ctrl-C (or aactl sandbox down in another terminal) stops everything.',
  ];
  return lines.join('\n');
}

/** `aactl sandbox status` as a table. */
export function renderSandboxStatus(status: SandboxStatus): string {
  const rows = status.regions.map((region) => [
    region.region,
    region.running ? String(region.pid) : 'killed',
    region.url,
    region.healthy ? 'healthy' : 'unhealthy',
    region.isolated
      ? 'isolated'
      : region.cutFrom.length > 0
        ? `cut from ${region.cutFrom.join(', ')}`
        : 'connected',
    `${region.clockOffsetMs >= 0 ? '+' : ''}${region.clockOffsetMs} ms`,
    String(region.streamWaiting),
  ]);
  return [
    formatTable(['region', 'pid', 'API', 'Route 53', 'network', 'clock', 'feed waiting'], rows),
    `replication: lag ${status.lagMs} ms, backlog ${status.backlog} deliveries${status.partitions.length > 0 ? `, partitions: ${status.partitions.join('; ')}` : ''}`,
  ].join('\n');
}
