/**
 * The checker's store on DynamoDB Local: one database per region, replicated by the engine from
 * each region's stream (lambda/replication/dynamo-local.ts), the real DynamoDB adapters, and the
 * world's call hook (interleaving and faults) as AWS SDK middleware, so a fault hits the exact SDK
 * call: `sdk-retry` sends the same request twice, as the SDK's retry does.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoIdempotencyStore } from '../../lambda/adapters/dynamo-idempotency';
import { DynamoReplica } from '../../lambda/adapters/dynamo-replica';
import type { CallHook } from '../../lambda/adapters/memory-replica';
import { DynamoLocalReplicator } from '../../lambda/replication/dynamo-local';
import { seededDelays, VirtualClock } from '../../lambda/replication/engine';
import type { StreamReader } from '../../lambda/replication/stream';
import type { DynamoLocal } from '../helpers/dynamodb-local';
import { createAppTable } from '../helpers/local-table';
import type { CheckerStore } from './world';

const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);

export interface DynamoLocalStoreOptions {
  readonly local: DynamoLocal;
  readonly regions: readonly string[];
  /** A fresh table name for this history. */
  readonly tableName: string;
  readonly seed: number;
  readonly maxDelayMs?: number;
}

/** A checker store over DynamoDB Local, with fresh tables. */
export async function dynamoLocalStore(options: DynamoLocalStoreOptions): Promise<CheckerStore> {
  const clock = new VirtualClock();
  const unreachable = new Set<string>();
  for (const region of options.regions)
    await createAppTable(options.local.client(region), options.tableName);
  const replicator = new DynamoLocalReplicator({
    regions: options.regions,
    tableName: options.tableName,
    client: options.local.client,
    streams: options.local.streams,
    clock,
    delay: seededDelays({ seed: options.seed, minMs: 0, maxMs: options.maxDelayMs ?? 800 }),
  });
  await replicator.start();
  const readers = new Map<string, StreamReader>(
    options.regions.map((region) => [region, replicator.stream(region).reader()]),
  );
  const clients: DynamoDBClient[] = [];

  /** A client of `region`'s database as `caller`'s process uses it, every call through `calls`. */
  const clientOf = (region: string, caller: string, calls: CallHook): DynamoDBClient => {
    const client = options.local.client(region);
    clients.push(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        return calls({ region, caller, operation, write: WRITES.has(operation) }, () => {
          if (unreachable.has(region)) {
            throw Object.assign(new Error(`replica ${region} is unreachable`), {
              name: 'NetworkingError',
            });
          }
          return next(args);
        });
      },
      { step: 'initialize', name: 'checkerCalls' },
    );
    return client;
  };

  return {
    regions: options.regions,
    unreachable,
    now: () => clock.now(),
    replica: (region, caller, calls) =>
      new DynamoReplica({
        client: clientOf(region, caller, calls),
        tableName: options.tableName,
        region,
      }),
    idempotency: (region, caller, calls) =>
      new DynamoIdempotencyStore({
        client: clientOf(region, caller, calls),
        tableName: options.tableName,
        region,
      }),
    tick: async (ms) => {
      clock.advance(ms);
      await replicator.deliverDue();
    },
    partition: (a, b) => replicator.partition(a, b),
    heal: (a, b) => replicator.heal(a, b),
    pause: (region) => replicator.pause(region),
    resume: (region) => replicator.resume(region),
    settle: async () => {
      await replicator.settle();
    },
    readStream: async (region) => {
      await replicator.poll();
      return (readers.get(region) as StreamReader).read();
    },
    snapshot: (region) => replicator.snapshot(region),
    close: async () => {
      for (const client of clients) client.destroy();
    },
  };
}
