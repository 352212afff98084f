/**
 * The checker's world: three regions running the real API handler (`makeHandler`) and the real
 * conflict feed over one global table replicated by the product's replication engine, with every
 * knob a fault needs: per-region write policies (a rollout step reaches one region at a time, as
 * region stacks deploy), per-region clock offsets, partitions, paused regions, and per-call faults
 * (a call that fails, one that commits and then times out, one the SDK retries after it had
 * committed). Every replica call can be handed to a scheduler so concurrent requests interleave.
 *
 * The store underneath is in memory (`memoryStore`) or DynamoDB Local (`dynamoLocalStore`).
 */
import type { CallHook, ReplicaCall } from '../../lambda/adapters/memory-replica';
import { processChange, type FeedDeps } from '../../lambda/app/conflict-feed';
import type { IdempotencyStore, RegionReplica } from '../../lambda/app/ports';
import { ActiveActiveService } from '../../lambda/app/service';
import { takeOverTenant, type TakeoverResult } from '../../lambda/app/takeover';
import { HybridLogicalClock } from '../../lambda/domain/hlc';
import { buildWritePolicy, type WritePolicyInput } from '../../lambda/domain/write-policy';
import { makeHandler } from '../../lambda/handlers/api';
import type { HttpEvent, HttpResult } from '../../lambda/handlers/http';
import type { StreamRecord } from '../../lambda/replication/stream';
import { TEST_KEYRING } from '../helpers/api-harness';

/** What the world needs from the table underneath (in memory or DynamoDB Local). */
export interface CheckerStore {
  readonly regions: readonly string[];
  /** The engine's true time (epoch ms). */
  now(): number;
  /** `region`'s replica as a process in `caller` reaches it; every call goes through `calls`. */
  replica(region: string, caller: string, calls: CallHook): RegionReplica;
  /** `region`'s idempotency store as `caller`'s process reaches it; every call through `calls`. */
  idempotency(region: string, caller: string, calls: CallHook): IdempotencyStore;
  /** Moves true time on by `ms` and applies the mutations that fell due. */
  tick(ms: number): Promise<void>;
  partition(a: string, b: string): void;
  heal(a?: string, b?: string): void;
  pause(region: string): void;
  resume(region?: string): void;
  /** Heals, resumes and delivers until every replica holds everything. */
  settle(): Promise<void>;
  /** Changes of `region`'s replica not read before (local and replicated). */
  readStream(region: string): Promise<readonly StreamRecord[]>;
  /** Every item of `region`, as one string. */
  snapshot(region: string): Promise<string>;
  /** Regions whose replica fails every API call (an isolated region). */
  readonly unreachable: Set<string>;
  close(): Promise<void>;
}

/** A fault on one replica call. */
export type CallFaultKind =
  /** The call fails before reaching the replica. */
  | 'fail'
  /** The call commits, then its answer is lost: the caller sees a timeout. */
  | 'commit-then-timeout'
  /** The call commits, its answer is lost, and the SDK sends it again: the caller sees the retry's answer. */
  | 'sdk-retry';

/** Which call a fault applies to (the first one that matches, once). */
export interface CallFault {
  readonly kind: CallFaultKind;
  readonly region?: string;
  readonly caller?: string;
  readonly operation?: string;
  readonly write?: boolean;
  /** Only calls from one region to another (forwarded writes, remote reads). */
  readonly remote?: boolean;
}

/** Interleaves concurrent requests: every replica call waits for its turn. */
export interface Interleaver {
  turn(label: string): Promise<void>;
}

/** World settings. */
export interface WorldOptions {
  /** The write policy of every region at the start (the region is filled in). */
  readonly policy: Omit<WritePolicyInput, 'region'>;
  /** HLC skew bound. @default 60 s */
  readonly maxSkewMs?: number;
  /** How long a new home waits after a transfer (read-then-write fencing). @default 0 */
  readonly handoffSettleMs?: number;
}

/** A timeout, as the SDK reports one. */
class CallTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Where a request or answer happened: true time, and the world's step (a total order). */
export interface Instant {
  readonly ms: number;
  readonly step: number;
}

/** The world. */
export class CheckerWorld {
  readonly regions: readonly string[];
  readonly maxSkewMs: number;
  readonly handoffSettleMs: number;
  interleaver: Interleaver | undefined;
  private readonly offsets = new Map<string, number>();
  /** Regions whose clock check has not measured anything yet (their writes are not refused). */
  readonly unmonitoredClocks = new Set<string>();
  private readonly policies = new Map<string, WritePolicyInput>();
  private readonly handlers = new Map<string, (event: HttpEvent) => Promise<HttpResult>>();
  private readonly faults: CallFault[] = [];
  private readonly feedQueues = new Map<string, StreamRecord[]>();
  private step = 0;
  private requestCounter = 0;
  /** Metrics the handlers and feeds emitted (name and value), in order. */
  readonly metrics: Array<{ region: string; name: string; value: number }> = [];
  /** Each region's clock offset over time, from the step it was set. */
  readonly clockLog: Array<{ step: number; region: string; offsetMs: number }> = [];
  /** Errors the handlers logged (a 500 is always a finding). */
  readonly errors: Array<{ region: string; message: string }> = [];

  constructor(
    readonly store: CheckerStore,
    options: WorldOptions,
  ) {
    this.regions = store.regions;
    this.maxSkewMs = options.maxSkewMs ?? 60_000;
    this.handoffSettleMs = options.handoffSettleMs ?? 0;
    for (const region of this.regions) {
      this.policies.set(region, { ...options.policy, region });
      this.offsets.set(region, 0);
    }
  }

  /** The instant now. */
  instant(): Instant {
    return { ms: this.store.now(), step: this.step };
  }

  /** Advances the world's step (every request, answer and fault is one). */
  nextStep(): Instant {
    this.step += 1;
    return this.instant();
  }

  /** `region`'s clock: true time plus its offset. */
  clockOf(region: string): number {
    return this.store.now() + (this.offsets.get(region) ?? 0);
  }

  /** Sets how far `region`'s clock runs ahead (+) or behind (-) true time. */
  setClockOffset(region: string, offsetMs: number): void {
    this.offsets.set(region, offsetMs);
    this.clockLog.push({ step: this.step, region, offsetMs });
    this.handlers.delete(region);
  }

  clockOffset(region: string): number {
    return this.offsets.get(region) ?? 0;
  }

  /** Deploys a new write policy to one region (its function restarts, as after a deploy). */
  deployPolicy(region: string, policy: Partial<Omit<WritePolicyInput, 'region'>>): void {
    this.policies.set(region, { ...(this.policies.get(region) as WritePolicyInput), ...policy });
    this.handlers.delete(region);
  }

  policyOf(region: string): WritePolicyInput {
    return this.policies.get(region) as WritePolicyInput;
  }

  /** Arms a fault for the next call that matches. */
  inject(fault: CallFault): void {
    this.faults.push(fault);
  }

  /** Sends a request to `region`'s API. */
  async request(
    region: string,
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    this.requestCounter += 1;
    const event: HttpEvent = {
      rawPath: path,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.headers ?? {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      isBase64Encoded: false,
      requestContext: { http: { method }, requestId: `checker-${this.requestCounter}` },
    };
    return this.handlerOf(region)(event);
  }

  /** An operator's forced takeover of `tenant` into `to` (the aactl path: the new home's replica). */
  takeOver(tenant: string, to: string): Promise<TakeoverResult> {
    const direct: CallHook = async (_call, run) => run();
    return takeOverTenant({
      tenantId: tenant,
      replica: this.store.replica(to, to, direct),
      regions: this.regions,
      defaultHome: buildWritePolicy(this.policyOf(to)).defaultHome,
      clock: new HybridLogicalClock({
        region: to,
        maxSkewMs: this.maxSkewMs,
        wallClock: () => this.clockOf(to),
      }),
    });
  }

  /**
   * Runs every region's conflict feed over the changes it has not processed yet. A record that
   * fails stays at the head of that region's queue with everything after it (batch item
   * failures), so the next run retries from there.
   */
  async runFeeds(): Promise<number> {
    let processed = 0;
    for (const region of this.regions) {
      const queue = this.feedQueues.get(region) ?? [];
      queue.push(...(await this.store.readStream(region)));
      this.feedQueues.set(region, queue);
      const deps = this.feedDeps(region);
      while (queue.length > 0) {
        const record = queue[0] as StreamRecord;
        if (record.newImage !== undefined) {
          try {
            await processChange(
              {
                sequenceNumber: record.sequenceNumber,
                eventName: record.eventName,
                newImage: { ...record.newImage },
                approximateCreationMs: record.approximateCreationMs,
              },
              deps,
            );
          } catch {
            break;
          }
        }
        queue.shift();
        processed += 1;
      }
    }
    return processed;
  }

  /** Heals everything, delivers everything and runs the feeds until nothing moves. */
  async quiesce(): Promise<void> {
    this.faults.length = 0;
    this.store.unreachable.clear();
    for (let round = 0; round < 20; round += 1) {
      await this.store.settle();
      if ((await this.runFeeds()) === 0) return;
    }
    throw new Error('the world did not quiesce in 20 rounds of replication and feeds');
  }

  // ---- internals

  private handlerOf(region: string): (event: HttpEvent) => Promise<HttpResult> {
    let handler = this.handlers.get(region);
    if (handler === undefined) {
      handler = this.buildHandler(region);
      this.handlers.set(region, handler);
    }
    return handler;
  }

  private buildHandler(region: string): (event: HttpEvent) => Promise<HttpResult> {
    const now = () => this.clockOf(region);
    const calls = this.callsFrom();
    const replicas = new Map<string, RegionReplica>();
    const service = new ActiveActiveService({
      regions: this.regions,
      policy: buildWritePolicy(this.policies.get(region) as WritePolicyInput),
      replicas: (target) => {
        let replica = replicas.get(target);
        if (replica === undefined) {
          replica = this.store.replica(target, region, calls);
          replicas.set(target, replica);
        }
        return replica;
      },
      clock: new HybridLogicalClock({ region, maxSkewMs: this.maxSkewMs, wallClock: now }),
      keyring: TEST_KEYRING,
      now,
      regionalUrl: (target) => `https://${target}.api.example.com`,
      handoffSettleMs: this.handoffSettleMs,
      // what the Date header of DynamoDB's answers tells a region: its offset from true time
      ownClockOffsetMs: () =>
        this.unmonitoredClocks.has(region) ? undefined : (this.offsets.get(region) ?? 0),
    });
    return makeHandler({
      config: { region },
      service: async () => service,
      keyring: async () => TEST_KEYRING,
      idempotency: this.store.idempotency(region, region, calls),
      idempotencyIn: (target) => this.store.idempotency(target, region, calls),
      now,
      log: {
        info: () => undefined,
        warn: () => undefined,
        error: (message, details) =>
          this.errors.push({
            region,
            message:
              details?.errorName === undefined
                ? message
                : `${message}: ${String(details.errorName)}: ${String(details.errorMessage)}`,
          }),
      },
      metric: (name, value) => this.metrics.push({ region, name, value }),
    });
  }

  private feedDeps(region: string): FeedDeps {
    const direct: CallHook = async (_call, run) => run();
    return {
      region,
      primaryRegion: this.policyOf(region).primaryRegion,
      replica: this.store.replica(region, region, direct),
      now: () => this.clockOf(region),
      metric: (name, value) => this.metrics.push({ region, name, value }),
      recordLag: async () => undefined,
    };
  }

  /** The call hook of a region's process: interleaving, then the armed faults. */
  private callsFrom(): CallHook {
    return async <T>(call: ReplicaCall, run: () => T): Promise<T> => {
      if (this.interleaver !== undefined) {
        await this.interleaver.turn(`${call.caller}->${call.region} ${call.operation}`);
      }
      this.step += 1;
      const index = this.faults.findIndex((fault) => faultMatches(fault, call));
      const fault = index >= 0 ? this.faults.splice(index, 1)[0] : undefined;
      if (fault?.kind === 'fail') {
        throw Object.assign(new Error(`injected failure of ${call.operation}`), {
          name: 'NetworkingError',
        });
      }
      const result = await run();
      if (fault?.kind === 'commit-then-timeout') {
        throw new CallTimeoutError(
          `${call.operation} to ${call.region} timed out after it committed`,
        );
      }
      if (fault?.kind === 'sdk-retry') return run();
      return result;
    };
  }
}

function faultMatches(fault: CallFault, call: ReplicaCall): boolean {
  return (
    (fault.region === undefined || fault.region === call.region) &&
    (fault.caller === undefined || fault.caller === call.caller) &&
    (fault.operation === undefined || fault.operation === call.operation) &&
    (fault.write === undefined || fault.write === call.write) &&
    (fault.remote === undefined || fault.remote === (call.caller !== call.region))
  );
}
