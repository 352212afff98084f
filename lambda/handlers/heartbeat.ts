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
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { collectCopies, ReplicaVersions } from '../adapters/divergence-probe';
import { openCaseStats, readCriticalEntities } from '../adapters/observability-items';
import { writeHeartbeat } from '../adapters/replication-lag';
import { divergenceReport } from '../app/divergence';
import { APP_METRICS } from '../contract/metrics';
import { METRICS_NAMESPACE } from '../contract/naming';
import { requiredEnv } from './env';

interface ProbeConfig {
  readonly region: string;
  readonly regions: readonly string[];
  readonly tableName: string;
  readonly appName: string;
  readonly graceMs: number;
}

/** Reads the probe's environment once; a bad value is a deploy bug, named at cold start. */
function readProbeConfig(env: Record<string, string | undefined>): ProbeConfig {
  const required = (name: string) => requiredEnv(env, name);
  const graceMs = Number(env.DIVERGENCE_GRACE_MS ?? '300000');
  if (!Number.isInteger(graceMs) || graceMs < 1000) {
    throw new Error(
      `DIVERGENCE_GRACE_MS must be an integer of at least 1000, got ${JSON.stringify(env.DIVERGENCE_GRACE_MS)}`,
    );
  }
  return {
    region: required('AWS_REGION'),
    regions: required('APP_REGIONS').split(','),
    tableName: required('TABLE_NAME'),
    appName: required('APP_NAME'),
    graceMs,
  };
}

let state:
  | {
      config: ProbeConfig;
      replicas: Map<string, ReplicaVersions>;
      documents: (region: string) => DynamoDBDocumentClient;
      logger: Logger;
      metrics: Metrics;
    }
  | undefined;

export const handler = async (): Promise<{
  region: string;
  divergentEntities: number;
  checked: number;
  openCases: number;
}> => {
  if (state === undefined) {
    const config = readProbeConfig(process.env);
    const clients = new Map<string, DynamoDBDocumentClient>();
    state = {
      config,
      replicas: new Map(),
      documents: (region) => {
        let documents = clients.get(region);
        if (documents === undefined) {
          documents = DynamoDBDocumentClient.from(
            new DynamoDBClient({
              region,
              maxAttempts: 2,
              requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
            }),
          );
          clients.set(region, documents);
        }
        return documents;
      },
      logger: new Logger({ serviceName: config.appName }),
      metrics: new Metrics({
        namespace: METRICS_NAMESPACE,
        serviceName: config.appName,
        defaultDimensions: { region: config.region },
      }),
    };
  }
  const { config, replicas, documents, logger, metrics } = state;
  const replicaFor = (region: string) => {
    let replica = replicas.get(region);
    if (replica === undefined) {
      replica = new ReplicaVersions(documents(region), config.tableName);
      replicas.set(region, replica);
    }
    return replica;
  };
  const local = documents(config.region);
  await writeHeartbeat({
    documents: local,
    tableName: config.tableName,
    region: config.region,
    nowMs: Date.now(),
  });
  const criticalEntities = await readCriticalEntities(local, config.tableName);
  if (criticalEntities === undefined) {
    logger.warn('observability config item missing: checking heartbeats only', {
      hint: 'deploy the data stack; a new replica receives the item by replication',
    });
  }
  const copies = await collectCopies({
    region: config.region,
    regions: config.regions,
    replica: replicaFor,
    criticalEntities: criticalEntities ?? [],
    onRemoteError: (region, error) =>
      logger.warn('divergence probe could not read a replica', {
        remoteRegion: region,
        error: String(error),
      }),
  });
  const report = divergenceReport(copies, Date.now(), config.graceMs);
  if (report.divergentEntities > 0) logger.error('replicas diverge', { details: report.details });
  const cases = await openCaseStats(local, config.tableName, Date.now());
  metrics.addMetric(APP_METRICS.divergentEntities.name, MetricUnit.Count, report.divergentEntities);
  metrics.addMetric(APP_METRICS.openReconciliationCases.name, MetricUnit.Count, cases.open);
  metrics.addMetric(
    APP_METRICS.oldestOpenCaseAgeSeconds.name,
    MetricUnit.Seconds,
    cases.oldestAgeSeconds,
  );
  metrics.publishStoredMetrics();
  return {
    region: config.region,
    divergentEntities: report.divergentEntities,
    checked: report.checked,
    openCases: cases.open,
  };
};
