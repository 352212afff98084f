/**
 * Replication heartbeat and divergence probe, run every minute by a schedule in each region:
 * 1. writes this region's heartbeat item; every other region's conflict feed measures its age on
 *    arrival (the true lag of that region pair);
 * 2. checks that this region's replica holds every version the other replicas have held for longer
 *    than the grace period, for the other regions' heartbeats and the configured critical
 *    entities, and publishes `DivergentEntities` (0 included, so the rollout gate has data).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { METRICS_NAMESPACE } from '../../lib/config/naming';
import { collectCopies, ReplicaVersions } from '../adapters/divergence-probe';
import { writeHeartbeat } from '../adapters/replication-lag';
import { divergenceReport } from '../app/divergence';
import type { ObjectKey } from '../domain/storage-layout';
import { requiredEnv } from './env';

interface ProbeConfig {
  readonly region: string;
  readonly regions: readonly string[];
  readonly tableName: string;
  readonly appName: string;
  readonly criticalEntities: readonly ObjectKey[];
  readonly graceMs: number;
}

/** Reads the probe's environment once; a bad value is a deploy bug, named at cold start. */
function readProbeConfig(env: Record<string, string | undefined>): ProbeConfig {
  const required = (name: string) => requiredEnv(env, name);
  const entities = JSON.parse(env.CRITICAL_ENTITIES ?? '[]') as Array<{
    tenant: string;
    type: ObjectKey['type'];
    id: string;
  }>;
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
    criticalEntities: entities.map((entity) => ({
      tenantId: entity.tenant,
      type: entity.type,
      objectId: entity.id,
    })),
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
  await writeHeartbeat({
    documents: documents(config.region),
    tableName: config.tableName,
    region: config.region,
    nowMs: Date.now(),
  });
  const copies = await collectCopies({
    region: config.region,
    regions: config.regions,
    replica: replicaFor,
    criticalEntities: config.criticalEntities,
    onRemoteError: (region, error) =>
      logger.warn('divergence probe could not read a replica', {
        remoteRegion: region,
        error: String(error),
      }),
  });
  const report = divergenceReport(copies, Date.now(), config.graceMs);
  if (report.divergentEntities > 0) logger.error('replicas diverge', { details: report.details });
  metrics.addMetric('DivergentEntities', MetricUnit.Count, report.divergentEntities);
  metrics.publishStoredMetrics();
  return {
    region: config.region,
    divergentEntities: report.divergentEntities,
    checked: report.checked,
  };
};
