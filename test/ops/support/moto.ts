import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  GetHealthCheckCommand,
  ListTagsForResourcesCommand,
  Route53Client,
  type HealthCheck,
} from '@aws-sdk/client-route-53';
import { TAG_APP, TAG_REGION } from '../../../lambda/contract/naming';
import { createAwsClientFactory, createAwsGateways } from '../../../lib/ops/cli/aws-clients';
import type { DrainGateway } from '../../../lib/ops/gateways/drain';
import { freePort } from '../../helpers/net';

/**
 * moto_server for end-to-end tests: found on PATH, started on 127.0.0.1 with a free port, seeded
 * with the app's tagged health checks and the drain table, stopped afterwards.
 */

/** Credentials moto accepts (any will do). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The moto_server executable on PATH, if any. */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'moto_server'))) return join(dir, 'moto_server');
  }
  return undefined;
}

/** Why moto tests are skipped, or undefined when they run. */
export function motoSkipReason(): string | undefined {
  return findMotoServer() === undefined
    ? 'moto_server not found on PATH: skipping the moto end-to-end tests (pip install "moto[server]" to run them)'
    : undefined;
}

/** `describe` when moto_server is on PATH, else `describe.skip` (and a warning saying why). */
export function describeMoto(name: string, body: () => void): void {
  const skip = motoSkipReason();
  if (skip !== undefined) console.warn(skip);
  (skip === undefined ? describe : describe.skip)(name, body);
}

/** A running moto_server. */
export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Start moto_server and wait until it answers. */
export async function startMoto(): Promise<Moto> {
  const executable = findMotoServer();
  if (executable === undefined) throw new Error('moto_server not found on PATH');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${log}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30s: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Create what the app's stacks would: one tagged health check per region, the table per region. */
export async function seedMoto(
  endpoint: string,
  config: { appName: string; regions: readonly string[]; publicName: string; tableName: string },
): Promise<Record<string, string>> {
  const route53 = new Route53Client({
    region: 'us-east-1',
    endpoint,
    credentials: MOTO_CREDENTIALS,
  });
  const ids: Record<string, string> = {};
  for (const region of config.regions) {
    const created = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: `${config.appName}-${region}-${Date.now()}-${Math.random()}`,
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: `${region}.${config.publicName}`,
          ResourcePath: '/health',
          RequestInterval: 10,
          FailureThreshold: 2,
        },
      }),
    );
    const id = created.HealthCheck?.Id ?? '';
    ids[region] = id;
    await route53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: id,
        AddTags: [
          { Key: TAG_APP, Value: config.appName },
          { Key: TAG_REGION, Value: region },
        ],
      }),
    );
    const dynamodb = new DynamoDBClient({ region, endpoint, credentials: MOTO_CREDENTIALS });
    await dynamodb
      .send(
        new CreateTableCommand({
          TableName: config.tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      )
      .catch((error: Error) => {
        if (error.name !== 'ResourceInUseException') throw error;
      });
    dynamodb.destroy();
  }
  route53.destroy();
  return ids;
}

/** The app's config as moto is seeded with it. */
type SeedConfig = Parameters<typeof seedMoto>[1];

/** moto for one `describe` block, with views on what the CLI did there. */
export interface SeededMoto {
  /** The endpoint (once `beforeAll` ran). */
  readonly endpoint: string;
  /** Health-check id of each region (filled in by `beforeAll`). */
  readonly ids: Readonly<Record<string, string>>;
  /** A Route 53 client on moto. */
  readonly route53: Route53Client;
  /** A region's health check as moto holds it. */
  healthCheck(region: string): Promise<HealthCheck | undefined>;
  /** A region's health-check tags. */
  tags(region: string): Promise<Record<string, string | undefined>>;
  /** The drain flags, through the CLI's own gateway. */
  drain(): DrainGateway;
}

/** Start and seed moto in `beforeAll`, stop it in `afterAll`. */
export function useSeededMoto(config: SeedConfig): SeededMoto {
  let moto: Moto | undefined;
  let route53: Route53Client | undefined;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    moto = await startMoto();
    Object.assign(ids, await seedMoto(moto.endpoint, config));
    route53 = new Route53Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
  });
  afterAll(async () => {
    route53?.destroy();
    await moto?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('moto is not started: use it inside a test');
    return value;
  };
  const fixture: SeededMoto = {
    get endpoint() {
      return started(moto).endpoint;
    },
    ids,
    get route53() {
      return started(route53);
    },
    healthCheck: async (region) =>
      (await fixture.route53.send(new GetHealthCheckCommand({ HealthCheckId: ids[region] })))
        .HealthCheck,
    tags: async (region) =>
      Object.fromEntries(
        (
          (
            await fixture.route53.send(
              new ListTagsForResourcesCommand({
                ResourceType: 'healthcheck',
                ResourceIds: [ids[region] ?? ''],
              }),
            )
          ).ResourceTagSets?.[0]?.Tags ?? []
        ).map((tag) => [tag.Key ?? '', tag.Value]),
      ),
    drain: () =>
      createAwsGateways(
        createAwsClientFactory({ endpointUrl: fixture.endpoint, env: {} }),
        config.tableName,
      ).drain,
  };
  return fixture;
}
