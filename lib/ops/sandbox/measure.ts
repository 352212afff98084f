/**
 * The sandbox's figures, measured on a running sandbox (or one started for the purpose): failover
 * detection and DNS convergence when a region is isolated, replication lag at a fixed write rate,
 * and the time a partition's backlog takes to drain after it heals. All at the sandbox's scaled
 * intervals: `scale` is reported with every figure, so the bench states what it measured.
 */
import { randomUUID } from 'node:crypto';
import { callRegion } from './client';
import { percentileOf } from './metric-store';
import type { SandboxOptions } from './options';
import { startSandbox, type Sandbox } from './sandbox';

/** Failover of one region. */
export interface FailoverFigures {
  readonly region: string;
  /** From isolating the region until Route 53's health check said unhealthy. */
  readonly detectionSeconds: number;
  /** From isolating it until no vantage's answer for the public name held it. */
  readonly dnsConvergenceSeconds: number;
  /** The bound the issue sets: interval x threshold + one interval (scaled). */
  readonly boundSeconds: number;
  /** The TTL of the public name's answer (scaled): a client honouring it recovers within bound + TTL. */
  readonly ttlSeconds: number;
}

/** Replication lag at a fixed write rate. */
export interface LagFigures {
  readonly from: string;
  readonly writesPerSecond: number;
  readonly writes: number;
  /** Deliveries measured (writes x other regions). */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The replication delay the sandbox adds to every write (`aactl sandbox lag`). */
  readonly configuredLagMs: number;
}

/** A partition's backlog draining after the heal. */
export interface BacklogFigures {
  readonly writes: number;
  /** Deliveries queued when the partition healed. */
  readonly deliveries: number;
  /** From the heal until every delivery was applied (not merely taken from the queue). */
  readonly drainSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Route 53's settings for a region, scaled: request interval and failure threshold. */
export function healthTimings(sandbox: Sandbox): { intervalSeconds: number; threshold: number } {
  const check = sandbox.deployment.healthChecks[0];
  return {
    intervalSeconds: (check?.requestIntervalSeconds ?? 10) * sandbox.scale,
    threshold: check?.failureThreshold ?? 2,
  };
}

/** Which regions the public name resolves to from each region's vantage. */
export function publicAnswers(sandbox: Sandbox): Map<string, string[]> {
  return new Map(
    sandbox.config.regions.map((from) => [
      from,
      sandbox
        .resolve(sandbox.config.publicName, { from })
        .values.flatMap((address) => sandbox.regionOfAddress(address) ?? []),
    ]),
  );
}

/**
 * Isolate `region` and time detection and DNS convergence, then end the isolation and wait until
 * the region is healthy again. `during` runs while the region is isolated (scenarios do their
 * work there).
 */
export async function measureFailover(
  sandbox: Sandbox,
  region: string,
  during: (figures: FailoverFigures) => Promise<void> = async () => undefined,
): Promise<FailoverFigures> {
  const { intervalSeconds, threshold } = healthTimings(sandbox);
  const boundSeconds = intervalSeconds * threshold + intervalSeconds;
  const ttlSeconds = sandbox.resolve(sandbox.config.publicName).ttlSeconds;
  const deadline = Date.now() + Math.max(30_000, boundSeconds * 10_000);
  const started = Date.now();
  sandbox.controls.isolate(region);
  let detectedAt: number | undefined;
  let convergedAt: number | undefined;
  try {
    while ((detectedAt === undefined || convergedAt === undefined) && Date.now() < deadline) {
      if (detectedAt === undefined && !sandbox.regionHealthy(region)) detectedAt = Date.now();
      if (
        convergedAt === undefined &&
        [...publicAnswers(sandbox).values()].every((answer) => !answer.includes(region))
      ) {
        convergedAt = Date.now();
      }
      await sleep(20);
    }
    if (detectedAt === undefined || convergedAt === undefined) {
      throw new Error(
        `isolating ${region}: not detected or not out of DNS within ${(deadline - started) / 1000} s`,
      );
    }
    const figures: FailoverFigures = {
      region,
      detectionSeconds: (detectedAt - started) / 1000,
      dnsConvergenceSeconds: (convergedAt - started) / 1000,
      boundSeconds,
      ttlSeconds,
    };
    await during(figures);
    return figures;
  } finally {
    sandbox.controls.rejoin(region);
    await waitFor(
      () => sandbox.regionHealthy(region),
      Math.max(30_000, boundSeconds * 10_000),
      `${region} healthy again`,
    );
  }
}

/**
 * Write `writesPerSecond` new counters a second for `seconds` in `from` (through its API), and
 * measure for each write how long after its acknowledgement replication applied it in every other
 * region.
 */
export async function measureReplicationLag(
  sandbox: Sandbox,
  options: { readonly from: string; readonly writesPerSecond: number; readonly seconds: number },
): Promise<LagFigures> {
  const tenant = `lag${randomUUID().slice(0, 8)}`;
  const others = sandbox.config.regions.filter((region) => region !== options.from);
  const acked = new Map<string, number>();
  const lags: number[] = [];
  const pendingApplied = new Map<string, number[]>();
  const stopListening = sandbox.replication.onApplied((write) => {
    if (!write.key.pk.startsWith(`T#${tenant}#`)) return;
    const name = write.key.pk.split('#').pop() ?? '';
    const ack = acked.get(name);
    if (ack === undefined)
      pendingApplied.set(name, [...(pendingApplied.get(name) ?? []), write.atMs]);
    else lags.push(Math.max(0, write.atMs - ack));
  });
  const writes = Math.round(options.writesPerSecond * options.seconds);
  const gapMs = 1000 / options.writesPerSecond;
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  try {
    for (let index = 0; index < writes; index += 1) {
      const due = started + index * gapMs;
      if (due > Date.now()) await sleep(due - Date.now());
      const name = `c${index}`;
      inFlight.push(
        callRegion(
          sandbox.endpoints,
          options.from,
          'POST',
          `/v1/tenants/${tenant}/counters/${name}`,
          {
            body: { delta: 1 },
          },
        ).then((answer) => {
          if (answer.status >= 300)
            throw new Error(
              `write ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
            );
          const at = Date.now();
          acked.set(name, at);
          for (const applied of pendingApplied.get(name) ?? [])
            lags.push(Math.max(0, applied - at));
          pendingApplied.delete(name);
        }),
      );
    }
    await Promise.all(inFlight);
    await waitFor(() => lags.length >= writes * others.length, 60_000, 'every write replicated');
  } finally {
    stopListening();
  }
  return {
    from: options.from,
    writesPerSecond: options.writesPerSecond,
    writes,
    samples: lags.length,
    p50Ms: percentileOf(lags, 50),
    p99Ms: percentileOf(lags, 99),
    maxMs: Math.max(...lags),
    configuredLagMs: sandbox.replication.lagMs,
  };
}

/**
 * Cut every link, let `write` make writes everywhere, heal, and time the backlog draining.
 */
export async function measureBacklogDrain(
  sandbox: Sandbox,
  write: () => Promise<number>,
): Promise<BacklogFigures> {
  const regions = sandbox.config.regions;
  for (const [index, a] of regions.entries()) {
    for (const b of regions.slice(index + 1)) sandbox.controls.partition(a, b);
  }
  let writes: number;
  try {
    writes = await write();
    // let every region's stream be read, so the whole backlog is queued
    await sleep(Math.max(500, sandbox.replication.lagMs * 2));
    await sandbox.replication.pump();
  } catch (error) {
    sandbox.controls.healAll();
    throw error;
  }
  const deliveries = sandbox.replication.backlog;
  const healed = Date.now();
  sandbox.controls.healAll();
  await sandbox.replication.drain(120_000);
  return { writes, deliveries, drainSeconds: (Date.now() - healed) / 1000 };
}

/** Wait until `condition` holds, polling. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Everything the bench reports for the sandbox. */
export interface SandboxFigures {
  /** Every interval is this share of the configured one. */
  readonly scale: number;
  readonly startupSeconds: number;
  readonly healthCheckIntervalSeconds: number;
  readonly failureThreshold: number;
  readonly failover: FailoverFigures;
  readonly replicationLag: LagFigures;
  readonly backlog: BacklogFigures;
}

/** Options of {@link measureSandbox}. */
export interface MeasureOptions extends SandboxOptions {
  /** Writes per second for the lag figure (DynamoDB Local applies one replicated write at a time). @default 5 */
  readonly writesPerSecond?: number;
  /** How long to write for the lag figure (s). @default 10 */
  readonly writeSeconds?: number;
  /**
   * How long to write at the same rate first, unmeasured: DynamoDB Local (a JVM) and the regions'
   * functions are cold right after start-up. @default 3
   */
  readonly warmupSeconds?: number;
  /** Writes per region during the partition. @default 10 */
  readonly backlogWritesPerRegion?: number;
  /** The region to isolate. @default - the primary region */
  readonly failoverRegion?: string;
}

/**
 * Start a sandbox (scale 0.1 and free ports unless told otherwise), measure every figure, stop it.
 * For `npm run bench`; scenario tests measure on their own sandbox with the functions above.
 */
export async function measureSandbox(options: MeasureOptions = {}): Promise<SandboxFigures> {
  const sandbox = await startSandbox({ scale: 0.1, port: 0, ...options });
  try {
    const { intervalSeconds, threshold } = healthTimings(sandbox);
    const primary = sandbox.config.primaryRegion;
    const writesPerSecond = options.writesPerSecond ?? 5;
    const warmupSeconds = options.warmupSeconds ?? 3;
    if (warmupSeconds > 0) {
      await measureReplicationLag(sandbox, {
        from: primary,
        writesPerSecond,
        seconds: warmupSeconds,
      });
    }
    const replicationLag = await measureReplicationLag(sandbox, {
      from: primary,
      writesPerSecond,
      seconds: options.writeSeconds ?? 10,
    });
    const perRegion = options.backlogWritesPerRegion ?? 10;
    const tenant = `backlog${randomUUID().slice(0, 8)}`;
    // counters are written wherever they are asked in active-active; in the other phases a
    // secondary forwards them to the primary, which a partition cuts off: write at the primary
    const writers =
      sandbox.config.rollout.phase === 'active-active' ? sandbox.config.regions : [primary];
    const backlog = await measureBacklogDrain(sandbox, async () => {
      let writes = 0;
      for (const region of writers) {
        for (
          let index = 0;
          index < perRegion * (sandbox.config.regions.length / writers.length);
          index += 1
        ) {
          const answer = await callRegion(
            sandbox.endpoints,
            region,
            'POST',
            `/v1/tenants/${tenant}/counters/b${index}`,
            { body: { delta: 1 } },
          );
          if (answer.status >= 300)
            throw new Error(
              `write in ${region} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
            );
          writes += 1;
        }
      }
      return writes;
    });
    const failover = await measureFailover(sandbox, options.failoverRegion ?? primary);
    return {
      scale: sandbox.scale,
      startupSeconds: sandbox.startup.totalMs / 1000,
      healthCheckIntervalSeconds: intervalSeconds,
      failureThreshold: threshold,
      failover,
      replicationLag,
      backlog,
    };
  } finally {
    await sandbox.stop();
  }
}
