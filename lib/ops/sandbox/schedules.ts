/**
 * What AWS invokes on its own, played by the hub on scaled schedules: each region's conflict feed
 * fed by its stream mapping (./stream-mapping.ts) and its heartbeat/divergence probe fired by its
 * EventBridge rule's rate.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxDeployment } from './deployment';
import type { MetricStore } from './metric-store';
import type { RegionHost } from './region-hosts';
import type { SandboxReplication } from './replication';
import { StreamMapping } from './stream-mapping';

/** The running schedules. */
export interface Schedules {
  /** Each region's conflict-feed mapping. */
  readonly mappings: ReadonlyMap<string, StreamMapping>;
  /** Heartbeat period of each region, scaled (ms). */
  readonly heartbeatEveryMs: ReadonlyMap<string, number>;
  stop(): void;
}

/** The shortest heartbeat period the sandbox runs (ms), whatever the scale. */
const MIN_HEARTBEAT_MS = 500;

/** Start every region's stream mapping and heartbeat schedule. */
export function startSchedules(options: {
  readonly deployment: SandboxDeployment;
  readonly hosts: ReadonlyMap<string, RegionHost>;
  readonly replication: SandboxReplication;
  readonly metrics: MetricStore;
  readonly scale: number;
  readonly log: (line: string) => void;
}): Schedules {
  const { deployment, scale, log } = options;
  const mappings = new Map<string, StreamMapping>();
  const heartbeatEveryMs = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  for (const spec of deployment.regionSpecs) {
    const host = options.hosts.get(spec.region);
    if (host === undefined) throw new Error(`no region host for ${spec.region}`);
    const feed = spec.functions.conflictFeed;
    const mapping = new StreamMapping(
      options.replication.replicator.stream(spec.region),
      spec.streamMapping,
      {
        region: spec.region,
        alive: () => host.alive,
        invoke: (event) => host.invoke('conflictFeed', event),
        onIteratorAge: (ms) =>
          options.metrics.put({
            namespace: 'AWS/Lambda',
            name: 'IteratorAge',
            dimensions: { FunctionName: feed?.functionName ?? '' },
            timestampMs: Date.now(),
            value: ms,
          }),
        onDropped: (count) =>
          log(
            `conflict feed ${spec.region}: ${count} records dropped after retries (dead-letter queue)`,
          ),
      },
      Math.max(50, Math.min(1000, spec.streamMapping.maxBatchingWindowMs * scale)),
      `arn:aws:dynamodb:${spec.region}:${deployment.accountId}:table/${deployment.table.tableName}/stream/sandbox`,
    );
    mapping.start();
    mappings.set(spec.region, mapping);

    const every = Math.max(MIN_HEARTBEAT_MS, Math.round(spec.heartbeatEveryMs * scale));
    heartbeatEveryMs.set(spec.region, every);
    const heartbeat = () => {
      if (!host.alive) return;
      host
        .invoke('heartbeat', scheduledEvent(spec.region, deployment.accountId))
        .catch((error: unknown) =>
          log(
            `heartbeat ${spec.region}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    };
    const timer = setInterval(heartbeat, every);
    timer.unref();
    timers.push(timer);
    heartbeat();
  }
  return {
    mappings,
    heartbeatEveryMs,
    stop: () => {
      timers.forEach((timer) => clearInterval(timer));
      mappings.forEach((mapping) => mapping.stop());
    },
  };
}

/** The event an EventBridge schedule sends its target. */
export function scheduledEvent(region: string, account: string): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: new Date().toISOString(),
    region,
    resources: [],
    detail: {},
  };
}
