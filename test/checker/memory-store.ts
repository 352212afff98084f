/**
 * The checker's store in memory: the in-memory global table (the replication engine) with seeded
 * random delays per mutation and target, on a virtual clock.
 */
import {
  MEMORY_TABLE_INDEXES,
  MemoryIdempotencyStore,
  MemoryReplica,
  type CallHook,
} from '../../lambda/adapters/memory-replica';
import { seededDelays, VirtualClock } from '../../lambda/replication/engine';
import { MemoryGlobalTable, type ReplicationMode } from '../../lambda/replication/memory-table';
import type { StreamReader } from '../../lambda/replication/stream';
import type { CheckerStore } from './world';

export interface MemoryStoreOptions {
  readonly regions: readonly string[];
  /** Seed of the replication delays. */
  readonly seed: number;
  /** Delay range of each mutation to each replica (ms). @default 0-800 */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** @default 'eventual' */
  readonly mode?: ReplicationMode;
}

/** A checker store over an in-memory global table. */
export function memoryStore(options: MemoryStoreOptions): CheckerStore & {
  readonly table: MemoryGlobalTable;
} {
  const clock = new VirtualClock();
  const table = new MemoryGlobalTable({
    regions: options.regions,
    clock,
    mode: options.mode ?? 'eventual',
    indexes: MEMORY_TABLE_INDEXES,
    delay: seededDelays({
      seed: options.seed,
      minMs: options.minDelayMs ?? 0,
      maxMs: options.maxDelayMs ?? 800,
    }),
  });
  const readers = new Map<string, StreamReader>(
    options.regions.map((region) => [region, table.stream(region).reader()]),
  );
  return {
    table,
    regions: options.regions,
    unreachable: table.unreachable,
    now: () => clock.now(),
    replica: (region: string, caller: string, calls: CallHook) =>
      new MemoryReplica({ table, region, caller, calls }),
    idempotency: (region: string, caller: string, calls: CallHook) =>
      new MemoryIdempotencyStore(table, region, { calls, caller }),
    tick: async (ms: number) => {
      table.advance(ms);
    },
    partition: (a, b) => table.partition(a, b),
    heal: (a, b) => table.heal(a, b),
    pause: (region) => table.pause(region),
    resume: (region) => table.resume(region),
    settle: async () => {
      table.settle();
    },
    readStream: async (region) => (readers.get(region) as StreamReader).read(),
    snapshot: async (region) => table.snapshot(region),
    close: async () => undefined,
  };
}
