/**
 * The sandbox's data plane, what everything else runs on: the app's templates and bundles built
 * (./build.ts) while DynamoDB Local starts, the deployment read from the templates, what the data
 * stack deploys created in every region's database (the table, its seed items, the secrets), and
 * the replication engine between the regions' databases.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AppConfig } from '../../config/schema';
import { readBlueprint, type Blueprint } from './blueprint';
import { buildBlueprint } from './build';
import type { SandboxDeployment } from './deployment';
import { startDynamoLocal } from './dynamo-local';
import type { ResolvedSandboxOptions } from './options';
import type { Supervisor } from './processes';
import { provisionData, type GeneratedSecret } from './provision';
import { SandboxReplication } from './replication';
import { deploymentOf } from './templates/read-deployment';

/** The running data plane. */
export interface DataPlane {
  readonly blueprint: Blueprint;
  /** Where the blueprint, templates and bundles are. */
  readonly buildDir: string;
  readonly deployment: SandboxDeployment;
  readonly dynamoEndpoint: string;
  readonly secrets: ReadonlyMap<string, GeneratedSecret>;
  readonly replication: SandboxReplication;
  /** Building the templates and bundles (ms). */
  readonly buildMs: number;
  /** DynamoDB Local answering (ms; 0 when one was given). */
  readonly dynamoMs: number;
}

/** Bring the data plane up; `cleanup` collects what stops it (the supervisor stops DynamoDB Local). */
export async function startDataPlane(
  options: ResolvedSandboxOptions,
  config: AppConfig,
  dynamoPort: number,
  supervisor: Supervisor,
  cleanup: (() => Promise<void> | void)[],
): Promise<DataPlane> {
  const { log, scale } = options;
  const buildDir = join(options.dir, 'build');
  log(`building templates and bundles, starting DynamoDB Local (scale ${scale})`);
  const buildStarted = Date.now();
  let buildMs = 0;
  let dynamoMs = 0;
  const [, dynamoEndpoint] = await Promise.all([
    buildBlueprint({
      root: options.root,
      cdkJson: options.cdkJson,
      context: options.context,
      outDir: buildDir,
    }).then(() => (buildMs = Date.now() - buildStarted)),
    options.dynamoEndpoint !== undefined
      ? Promise.resolve(options.dynamoEndpoint)
      : startDynamoLocal({
          port: dynamoPort,
          logFile: join(options.dir, 'logs', 'dynamodb-local.log'),
        }).then(({ child, endpoint }) => {
          supervisor.track('dynamodb-local', child);
          dynamoMs = Date.now() - buildStarted;
          return endpoint;
        }),
  ]);
  const { blueprint, templates } = readBlueprint(buildDir);
  const deployment = deploymentOf(blueprint, templates, config.account);

  const clients = new Map(
    deployment.table.regions.map((region) => [
      region,
      new DynamoDBClient({
        region,
        endpoint: dynamoEndpoint,
        credentials: { accessKeyId: options.namespace, secretAccessKey: 'sandbox' },
      }),
    ]),
  );
  cleanup.push(() => clients.forEach((client) => client.destroy()));
  const secrets = await provisionData((region) => clients.get(region), deployment);

  const replication = new SandboxReplication({
    regions: deployment.table.regions,
    tableName: deployment.table.tableName,
    dynamoEndpoint,
    namespace: options.namespace,
    lagMs: options.lagMs,
    pumpMs: options.pumpMs,
    // DynamoDB deletes expired items within days; the sweep scans every replica inside the
    // engine's lock (pumps wait for it), so it runs rarely
    ttlEveryMs: Math.max(5_000, Math.round(60_000 * scale)),
    ...(deployment.table.ttlAttribute === undefined
      ? {}
      : { ttlAttribute: deployment.table.ttlAttribute }),
    onError: (error) =>
      log(`replication: ${error instanceof Error ? error.message : String(error)}`),
  });
  await replication.start();
  cleanup.push(() => replication.stop());

  return {
    blueprint,
    buildDir,
    deployment,
    dynamoEndpoint,
    secrets,
    replication,
    buildMs,
    dynamoMs,
  };
}
