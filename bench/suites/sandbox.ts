/**
 * The local sandbox's figures ([G], lib/ops/sandbox/measure.ts): failover detection and DNS
 * convergence when a region is isolated, replication lag p50/p99 at a fixed write rate, and the
 * time a partition's backlog takes to drain after the heal. One sandbox is started for the run
 * (three regions, the app's bundles over HTTP, DynamoDB Local, free ports, a directory of its
 * own) at scale 0.1: every interval (health checks, TTLs, heartbeats) is a tenth of the
 * configured one, and the figures are at that scale. Each is checked against the bound the issue
 * sets; the baseline is the sandbox's own configuration (interval, threshold, TTL, replication
 * delay), measured in the same run.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureSandbox, type SandboxFigures } from '../../lib/ops/sandbox/measure';
import { fixed, type BenchSuite, type BenchSuiteResult } from '../harness';

const ROOT = resolve(__dirname, '..', '..');
const SCALE = 0.1;
/** A busy 2-core machine delays a probe by up to this much; the bound is checked with it. */
const SLACK_SECONDS = 1.5;

/** The bench's tables and checks from measured figures (pure, so it can be tested). */
export function sandboxResult(figures: SandboxFigures): BenchSuiteResult {
  const { failover, replicationLag: lag, backlog } = figures;
  const seconds = (value: number) => fixed(value, 2);
  return {
    tables: [
      {
        title: `Phase active-active, scale ${figures.scale}: health checks every ${fixed(figures.healthCheckIntervalSeconds, 1)} s, failure threshold ${figures.failureThreshold}, public name TTL ${failover.ttlSeconds} s, replication delay ${lag.configuredLagMs} ms`,
        columns: ['figure', 'measured', 'bound or baseline'],
        rows: [
          [
            `failover detection (${failover.region} isolated -> health check unhealthy), s`,
            seconds(failover.detectionSeconds),
            `interval x threshold + interval = ${seconds(failover.boundSeconds)}`,
          ],
          [
            "DNS convergence (isolated -> out of every vantage's answer), s",
            seconds(failover.dnsConvergenceSeconds),
            `${seconds(failover.boundSeconds)}; a client honouring the TTL: + ${failover.ttlSeconds}`,
          ],
          [
            `replication lag p50, ms (${lag.writesPerSecond} writes/s for ${lag.writes / lag.writesPerSecond} s from ${lag.from}, ${lag.samples} deliveries)`,
            fixed(lag.p50Ms, 0),
            `configured delay ${lag.configuredLagMs}`,
          ],
          ['replication lag p99, ms', fixed(lag.p99Ms, 0), `max ${fixed(lag.maxMs, 0)}`],
          [
            `backlog drain after a full partition, s (${backlog.writes} writes in every region, ${backlog.deliveries} deliveries queued; heal -> all applied)`,
            seconds(backlog.drainSeconds),
            '-',
          ],
          [
            'sandbox start-up, s (templates, bundles, regions; DynamoDB Local)',
            seconds(figures.startupSeconds),
            '-',
          ],
        ],
      },
    ],
    checks: [
      {
        description: `DNS stops answering with an isolated region within interval x threshold + one interval (+${SLACK_SECONDS} s for a busy machine)`,
        passed: failover.dnsConvergenceSeconds <= failover.boundSeconds + SLACK_SECONDS,
        detail: `${seconds(failover.dnsConvergenceSeconds)} s <= ${seconds(failover.boundSeconds)} s`,
      },
      {
        description: 'every write reached every other replica',
        passed: lag.samples === lag.writes * 2,
        detail: `${lag.samples} of ${lag.writes * 2} deliveries`,
      },
    ],
    notes: [
      `Measured on one sandbox started for the run (lib/ops/sandbox/measure.ts, measureSandbox), scale ${figures.scale}: the health-check interval, TTLs and heartbeat period are ${figures.scale} of the configured ones, so real Route 53 takes about 1/${figures.scale} of these detection and convergence times. The lag is measured after 3 s of unmeasured writes at the same rate (DynamoDB Local is a JVM, cold at start-up). Replication runs through the project's engine over DynamoDB Local on this machine, not AWS's: its lag is the sandbox's, not a global table's, and grows with the machine's load.`,
    ],
  };
}

export const suite: BenchSuite = {
  name: 'sandbox',
  title: 'Sandbox: failover, DNS convergence, replication lag, backlog drain',
  description:
    "The local sandbox's figures ([G]), measured on a sandbox of three regions (phase active-active) started for the run at scale 0.1: failover detection and DNS convergence when a region is isolated, replication lag p50/p99 at a fixed write rate, and the backlog drain time after a partition heals, each beside the bound or configuration it is judged against.",
  async run(context) {
    const dir = join(ROOT, '.sandbox', `bench-${process.pid}`);
    try {
      const figures = await measureSandbox({
        root: ROOT,
        dir,
        scale: SCALE,
        port: 0,
        // every region takes writes, so the partition's backlog runs every way
        context: { 'activeActive.rollout.phase': 'active-active' },
        log: (line) => context.log(`sandbox: ${line}`),
      });
      return sandboxResult(figures);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
