/**
 * Replication heartbeat and divergence probe, run every minute by a schedule in each region:
 * 1. writes this region's heartbeat item; every other region's conflict feed measures its age on
 *    arrival (the true lag of that region pair);
 * 2. checks that this region's replica holds every version the other replicas have held for longer
 *    than the grace period, for the other regions' heartbeats and the critical entities (read
 *    from the observability config item, not the environment: 50 of them do not fit in 4 KB),
 *    and publishes `DivergentEntities` (0 included, so the rollout gate has data);
 * 3. publishes the open reconciliation cases and the oldest one's age (0 when none).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  collectCopies,
  ReplicaVersions,
  type ReplicaVersionReader,
} from '../adapters/divergence-probe';
import { dynamoClientConfig } from '../adapters/dynamo-client';
import { powertoolsObservability } from '../adapters/observability';
import { openCaseStats, readCriticalEntities } from '../adapters/observability-items';
import { writeHeartbeat } from '../adapters/replication-lag';
import { divergenceReport } from '../app/divergence';
import type { Log, MetricSink } from '../app/ports';
import { parseEnvironment, type HeartbeatEnvironment } from '../contract/environment';
import { APP_METRICS } from '../contract/metrics';
import type { ObjectKey } from '../domain/storage-layout';

/** What the probe depends on; tests pass fakes. */
export interface HeartbeatDeps {
  readonly config: Pick<HeartbeatEnvironment, 'region' | 'regions' | 'graceMs'>;
  /** Writes this region's heartbeat, sent at `nowMs`, to the local replica. */
  readonly writeHeartbeat: (nowMs: number) => Promise<void>;
  /** The critical entities of the observability config item; undefined when the item is missing. */
  readonly criticalEntities: () => Promise<readonly ObjectKey[] | undefined>;
  /** What `region`'s replica holds of the probed items. */
  readonly replica: (region: string) => ReplicaVersionReader;
  /** The open reconciliation cases and the oldest one's age, from the local replica. */
  readonly openCases: (nowMs: number) => Promise<{ open: number; oldestAgeSeconds: number }>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly log: Log;
  readonly metric: MetricSink;
  /** Publishes the metrics of the run. */
  readonly flushMetrics: () => void;
}

/** What one run found (the function's result, for the logs and tests). */
export interface HeartbeatResult {
  readonly region: string;
  readonly divergentEntities: number;
  readonly checked: number;
  readonly openCases: number;
}

/** Builds the probe from its dependencies. */
export function makeHeartbeatHandler(deps: HeartbeatDeps): () => Promise<HeartbeatResult> {
  const { config, log } = deps;
  return async () => {
    await deps.writeHeartbeat(deps.now());
    const criticalEntities = await deps.criticalEntities();
    if (criticalEntities === undefined) {
      log.warn('observability config item missing: checking heartbeats only', {
        hint: 'deploy the data stack; a new replica receives the item by replication',
      });
    }
    const copies = await collectCopies({
      region: config.region,
      regions: config.regions,
      replica: deps.replica,
      criticalEntities: criticalEntities ?? [],
      onRemoteError: (region, error) =>
        log.warn('divergence probe could not read a replica', {
          remoteRegion: region,
          error: String(error),
        }),
    });
    const report = divergenceReport(copies, deps.now(), config.graceMs);
    if (report.divergentEntities > 0) log.error('replicas diverge', { details: report.details });
    const cases = await deps.openCases(deps.now());
    deps.metric(APP_METRICS.divergentEntities.name, report.divergentEntities, 'Count');
    deps.metric(APP_METRICS.openReconciliationCases.name, cases.open, 'Count');
    deps.metric(APP_METRICS.oldestOpenCaseAgeSeconds.name, cases.oldestAgeSeconds, 'Seconds');
    deps.flushMetrics();
    return {
      region: config.region,
      divergentEntities: report.divergentEntities,
      checked: report.checked,
      openCases: cases.open,
    };
  };
}

/** Production dependencies: one DynamoDB client per region, created when first needed. */
export function productionHeartbeatDeps(
  environment: Readonly<Record<string, string | undefined>>,
): HeartbeatDeps {
  const config = parseEnvironment('heartbeat', environment);
  const { region, tableName } = config;
  const clients = new Map<string, DynamoDBDocumentClient>();
  const documents = (of: string) => {
    let client = clients.get(of);
    if (client === undefined) {
      client = DynamoDBDocumentClient.from(
        new DynamoDBClient(
          dynamoClientConfig(of, {
            maxAttempts: 2,
            connectionTimeoutMs: 1_000,
            requestTimeoutMs: 3_000,
          }),
        ),
      );
      clients.set(of, client);
    }
    return client;
  };
  const replicas = new Map<string, ReplicaVersions>();
  const observability = powertoolsObservability(config);
  return {
    config,
    writeHeartbeat: (nowMs) =>
      writeHeartbeat({ documents: documents(region), tableName, region, nowMs }),
    criticalEntities: () => readCriticalEntities(documents(region), tableName),
    replica: (of) => {
      let replica = replicas.get(of);
      if (replica === undefined) {
        replica = new ReplicaVersions(documents(of), tableName);
        replicas.set(of, replica);
      }
      return replica;
    },
    openCases: (nowMs) => openCaseStats(documents(region), tableName, nowMs),
    now: Date.now,
    log: observability.log,
    metric: observability.metric,
    flushMetrics: observability.flush,
  };
}

let cached: (() => Promise<HeartbeatResult>) | undefined;

/** Lambda entry point: wires production dependencies once per cold start. */
export const handler = (): Promise<HeartbeatResult> => {
  cached ??= makeHeartbeatHandler(productionHeartbeatDeps(process.env));
  return cached();
};
