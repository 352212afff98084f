/**
 * Production wiring of the API function: read the environment once, create the AWS clients once
 * per cold start (one DynamoDB client per region, for forwarding and cross-region reads), and
 * connect logging and metrics (lambda/adapters/observability.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ClockMonitor } from '../adapters/clock-monitor';
import { dynamoClientConfig } from '../adapters/dynamo-client';
import { DynamoIdempotencyStore } from '../adapters/dynamo-idempotency';
import { DynamoReplica } from '../adapters/dynamo-replica';
import { powertoolsObservability } from '../adapters/observability';
import { dynamoReplicationLag } from '../adapters/replication-lag';
import { loadSessionKeyring } from '../adapters/session-keyring';
import { readThenWriteSettleMs } from '../app/handoff';
import { ActiveActiveService } from '../app/service';
import { apiDescriptionSettingsOf } from '../contract/api-description';
import { parseEnvironment } from '../contract/environment';
import { HybridLogicalClock } from '../domain/hlc';
import type { SessionKeyring } from '../domain/session-token';
import type { ApiDeps } from './api-deps';

export function productionApiDeps(env: Record<string, string | undefined>): ApiDeps {
  const config = parseEnvironment('api', env);
  const observability = powertoolsObservability(config);
  const clients = new Map<string, DynamoDBClient>();
  const clockMonitor = new ClockMonitor();
  const clientFor = (region: string) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = new DynamoDBClient(
        dynamoClientConfig(region, {
          maxAttempts: region === config.region ? 3 : 2,
          connectionTimeoutMs: 1_000,
          requestTimeoutMs: region === config.region ? 3_000 : 2_000,
        }),
      );
      clockMonitor.attach(client);
      clients.set(region, client);
    }
    return client;
  };
  const replicas = new Map<string, DynamoReplica>();
  const replicaFor = (region: string) => {
    let replica = replicas.get(region);
    if (replica === undefined) {
      replica = new DynamoReplica({
        client: clientFor(region),
        tableName: config.tableName,
        region,
        fencing: config.fencing,
      });
      replicas.set(region, replica);
    }
    return replica;
  };
  const stores = new Map<string, DynamoIdempotencyStore>();
  const idempotencyIn = (region: string) => {
    let store = stores.get(region);
    if (store === undefined) {
      store = new DynamoIdempotencyStore({
        client: clientFor(region),
        tableName: config.tableName,
        region,
      });
      stores.set(region, store);
    }
    return store;
  };
  const secrets = new SecretsManagerClient({ region: config.region });
  let keyring: Promise<SessionKeyring> | undefined;
  const loadKeyring = () => {
    keyring ??= loadSessionKeyring(secrets, config.sessionKeySecretId).catch((error: unknown) => {
      keyring = undefined;
      throw error;
    });
    return keyring;
  };
  const clock = new HybridLogicalClock({ region: config.region });
  let service: ActiveActiveService | undefined;
  return {
    config,
    keyring: loadKeyring,
    service: async () => {
      service ??= new ActiveActiveService({
        regions: config.regions,
        policy: config.writePolicy,
        replicas: replicaFor,
        clock,
        keyring: await loadKeyring(),
        now: Date.now,
        regionalUrl: (region) => `https://${region}.${config.publicName}`,
        ownClockOffsetMs: () => clockMonitor.offsetMs(),
        handoffSettleMs:
          config.fencing === 'read-then-write' ? readThenWriteSettleMs(clock.maxSkewMs) : 0,
        replicationLag: dynamoReplicationLag({
          client: clientFor(config.region),
          tableName: config.tableName,
          region: config.region,
          now: Date.now,
        }),
      });
      return service;
    },
    idempotency: idempotencyIn(config.region),
    idempotencyIn,
    now: Date.now,
    log: observability.log,
    clockOffsetMs: () => clockMonitor.offsetMs(),
    metric: observability.metric,
    flushMetrics: observability.flush,
    apiDescription: apiDescriptionSettingsOf(config),
  };
}
