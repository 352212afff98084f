import { sandboxResult } from '../../bench/suites/sandbox';
import type { SandboxFigures } from '../../lib/ops/sandbox/measure';

const figures: SandboxFigures = {
  scale: 0.1,
  startupSeconds: 17.6,
  healthCheckIntervalSeconds: 1,
  failureThreshold: 2,
  failover: {
    region: 'us-east-1',
    detectionSeconds: 2.59,
    dnsConvergenceSeconds: 2.6,
    boundSeconds: 3,
    ttlSeconds: 6,
  },
  replicationLag: {
    from: 'us-east-1',
    writesPerSecond: 5,
    writes: 50,
    samples: 100,
    p50Ms: 497,
    p99Ms: 1614,
    maxMs: 1661,
    configuredLagMs: 100,
  },
  backlog: { writes: 30, deliveries: 60, drainSeconds: 1.73 },
};

describe('the bench reports the sandbox figures with their scale and bounds', () => {
  test('GIVEN measured figures THEN the table states the scale and every figure the issue asks for', () => {
    const result = sandboxResult(figures);
    const table = result.tables[0];
    expect(table?.title).toBe(
      'Phase active-active, scale 0.1: health checks every 1.0 s, failure threshold 2, public name TTL 6 s, replication delay 100 ms',
    );
    expect(table?.rows.map((row) => row[1])).toEqual([
      '2.59',
      '2.60',
      '497',
      '1614',
      '1.73',
      '17.60',
    ]);
    expect(result.checks?.every((check) => check.passed)).toBe(true);
  });

  test('GIVEN DNS converging past the bound and slack, or a lost delivery THEN the checks fail', () => {
    const slow = sandboxResult({
      ...figures,
      failover: { ...figures.failover, dnsConvergenceSeconds: 4.6 },
      replicationLag: { ...figures.replicationLag, samples: 99 },
    });
    expect(slow.checks?.map((check) => check.passed)).toEqual([false, false]);
  });
});
