import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { TAG_APP, TAG_REGION } from '../../../lib/config/naming';
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
