import type { RolloutPhase } from '../../../lambda/domain/catalog';
import { resolveDomainPhases } from '../../../lambda/domain/write-policy';
import { DEFAULT_ASSUMPTIONS } from '../../../lib/ops/cost/assumptions';
import { describeAssumptions } from '../../../lib/ops/cost/describe';
import { estimateMonthlyCost, estimateSingleRegion } from '../../../lib/ops/cost/estimate';
import { forwardedShareOf } from '../../../lib/ops/cost/forwarding';
import { SECONDS_PER_MONTH, type Deployment, type Traffic } from '../../../lib/ops/cost/inputs';
import type { CostEstimate } from '../../../lib/ops/cost/lines';
import { DEFAULT_PRICE_TABLE, priceTableWith } from '../../../lib/ops/cost/prices';

/**
 * Hand-computed examples. Every expected number below was worked out on paper from the list
 * prices (us-east-1: rWRU/WRU $0.625/M, RRU $0.125/M, storage $0.25 + PITR $0.20 per GB-month,
 * inter-region $0.02/GB, Lambda $0.20/M + $0.0000133334/GB-s, HTTP API $1.00/M, health check
 * $0.50 + $1.00 per option, metric $0.30, alarm $0.10, logs $0.50/GB), not with the model's code.
 *
 * Traffic: 100 reads/s, 10 writes/s, 1 KB items, 10 GB. Three regions, fast (10 s) HTTPS health
 * checks from 8 checker regions. A month is 730 h = 2,628,000 s, so 26.28M writes and 262.8M reads.
 */
const TRAFFIC: Traffic = { readsPerSecond: 100, writesPerSecond: 10, itemKb: 1, storageGb: 10 };

function deployment(phase: RolloutPhase, extra: Partial<Deployment> = {}): Deployment {
  return {
    regions: 3,
    phase,
    domains: resolveDomainPhases(phase),
    limitedWriteClasses: ['counter.increment', 'cart.update'],
    healthCheckIntervalSeconds: 10,
    checkerRegions: 8,
    ...extra,
  };
}

function lineOf(estimate: CostEstimate, id: string) {
  const found = estimate.lines.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no line ${id}`);
  return found;
}

function expectLine(estimate: CostEstimate, id: string, quantity: number, usd: number) {
  const found = lineOf(estimate, id);
  expect({ id, quantity: found.quantity }).toEqual({ id, quantity: expect.closeTo(quantity, 3) });
  expect({ id, usd: found.monthlyUsd }).toEqual({ id, usd: expect.closeTo(usd, 4) });
}

describe('estimateMonthlyCost: active-passive, three regions (hand-computed)', () => {
  const estimate = estimateMonthlyCost(TRAFFIC, deployment('active-passive'), DEFAULT_PRICE_TABLE);

  test('a month is 730 hours', () => {
    expect(SECONDS_PER_MONTH).toBe(2_628_000);
  });

  test('replicated writes: 26.28M writes x 1 unit x 3 replicas = 78.84M rWRU -> $49.275', () => {
    expectLine(estimate, 'dynamodb.writes', 78_840_000, 49.275);
  });

  test('reads: 262.8M x 0.5 + 26.28M consistent = 157.68M RRU -> $19.71', () => {
    expectLine(estimate, 'dynamodb.reads', 157_680_000, 19.71);
  });

  test('storage + PITR: 10 GB x 3 replicas x $0.45 -> $13.50', () => {
    expectLine(estimate, 'dynamodb.storage', 30, 13.5);
  });

  test('inter-region: 26.28M KB x 2 other regions = 50.1251 GB -> $1.0025 (nothing forwarded)', () => {
    expectLine(estimate, 'transfer.inter-region', 52_560_000 / 1_048_576, 1.00250244);
  });

  test('Lambda requests: 289.08M API + 12.6144M probes + 2.628M feed batches -> $60.86448', () => {
    // probes: 8 checker regions x 2 checkers x 262,800 intervals x 3 regions = 12,614,400
    expectLine(estimate, 'lambda.requests', 304_322_400, 60.86448);
  });

  test('Lambda compute: (301.6944M x 40 ms + 2.628M x 50 ms) x 0.5 GB = 6,099,588 GB-s -> $81.3282', () => {
    expectLine(estimate, 'lambda.compute', 6_099_588, 81.32824664);
  });

  test('API Gateway: 289.08M client + 12.6144M probes -> $301.6944', () => {
    expectLine(estimate, 'apigateway.requests', 301_694_400, 301.6944);
  });

  test('health checks: 3 x ($0.50 + HTTPS $1 + fast interval $1) -> $7.50', () => {
    expectLine(estimate, 'route53.health-checks', 3, 7.5);
  });

  test('metrics: 3 x (18 + 2 lag pairs) = 60 -> $18.00; alarms 3 x (10 + 2) + 1 + 3 = 40 -> $4.00', () => {
    expectLine(estimate, 'cloudwatch.metrics', 60, 18);
    expectLine(estimate, 'cloudwatch.alarms', 40, 4);
  });

  test('dashboards: 3 regions + 1 global = 4 -> $12; KMS keys: 3 + 1 alarm topics -> $4', () => {
    expectLine(estimate, 'cloudwatch.dashboards', 4, 12);
    expectLine(estimate, 'kms.keys', 4, 4);
  });

  test('logs: 304,322,400 KB = 290.2245 GB -> $145.1122', () => {
    expectLine(estimate, 'cloudwatch.logs', 304_322_400 / 1_048_576, 145.11222839);
  });

  test('the total is the sum of the lines', () => {
    expect(estimate.totalUsd).toBeCloseTo(
      49.275 +
        19.71 +
        13.5 +
        1.00250244 +
        60.86448 +
        81.32824664 +
        301.6944 +
        7.5 +
        18 +
        4 +
        12 +
        4 +
        145.11222839,
      4,
    );
    expect(estimate.forwardedShare).toBe(0);
  });
});

describe('estimateMonthlyCost: the phases differ by forwarded writes (hand-computed)', () => {
  const passive = estimateMonthlyCost(TRAFFIC, deployment('active-passive'), DEFAULT_PRICE_TABLE);

  test('read-local: 20% of writes (5.256M) are forwarded: +$0.2005 transfer, +$5.2560 compute', () => {
    const estimate = estimateMonthlyCost(TRAFFIC, deployment('read-local'), DEFAULT_PRICE_TABLE);
    expect(estimate.forwardedShare).toBeCloseTo(0.2, 10);
    // transfer: 52.56M KB + 5.256M x 2 KB = 63.072M KB = 60.1501 GB
    expectLine(estimate, 'transfer.inter-region', 63_072_000 / 1_048_576, 1.20300293);
    // compute: + 5.256M x 150 ms x 0.5 GB = 394,200 GB-s
    expectLine(estimate, 'lambda.compute', 6_099_588 + 394_200, 86.58427292);
    expect(estimate.totalUsd - passive.totalUsd).toBeCloseTo(0.20050049 + 5.25602628, 4);
    // nothing else moves
    expectLine(estimate, 'apigateway.requests', 301_694_400, 301.6944);
  });

  test('limited-write: the unlisted 5 of 7 classes are forwarded when not home (14.29%)', () => {
    const estimate = estimateMonthlyCost(TRAFFIC, deployment('limited-write'), DEFAULT_PRICE_TABLE);
    expect(estimate.forwardedShare).toBeCloseTo((5 / 7) * 0.2, 10);
    // 26.28M x 1/7 = 3.754286M forwarded; x 150 ms x 0.5 GB = 281,571.43 GB-s
    expectLine(estimate, 'lambda.compute', 6_099_588 + 281_571.4286, 85.08255112);
  });

  test('active-active: only the owner-only classes (profile.put, ledger.entry) are forwarded', () => {
    const estimate = estimateMonthlyCost(TRAFFIC, deployment('active-active'), DEFAULT_PRICE_TABLE);
    expect(estimate.forwardedShare).toBeCloseTo((2 / 7) * 0.2, 10);
    // 26.28M x 2/35 = 1.501714M forwarded; x 2 KB = 3.003429M KB extra transfer
    expectLine(
      estimate,
      'transfer.inter-region',
      (52_560_000 + 3_003_428.571) / 1_048_576,
      1.05979,
    );
  });

  test('a domain held at active-passive behind read-local DNS forwards (N-1)/N of its writes', () => {
    // GIVEN ledger (1 of 7 classes) at active-passive, the rest read-local
    const share = forwardedShareOf(
      {
        regions: 3,
        phase: 'read-local',
        domains: resolveDomainPhases('read-local', { ledger: 'active-passive' }),
        limitedWriteClasses: [],
      },
      DEFAULT_ASSUMPTIONS,
    );
    // THEN 6/7 x 0.2 + 1/7 x 2/3
    expect(share).toBeCloseTo((6 / 7) * 0.2 + (1 / 7) * (2 / 3), 10);
  });
});

describe('estimateSingleRegion (hand-computed)', () => {
  const estimate = estimateSingleRegion(TRAFFIC, DEFAULT_PRICE_TABLE);

  test('write units instead of replicated ones, one table, no probes, no feed', () => {
    expectLine(estimate, 'dynamodb.writes', 26_280_000, 16.425);
    expectLine(estimate, 'dynamodb.reads', 157_680_000, 19.71);
    expectLine(estimate, 'dynamodb.storage', 10, 4.5);
    expectLine(estimate, 'lambda.requests', 289_080_000, 57.816);
    // 289.08M x 40 ms x 0.5 GB = 5,781,600 GB-s
    expectLine(estimate, 'lambda.compute', 5_781_600, 77.08838544);
    expectLine(estimate, 'apigateway.requests', 289_080_000, 289.08);
    expectLine(estimate, 'cloudwatch.alarms', 3, 0.3);
    expectLine(estimate, 'cloudwatch.logs', 289_080_000 / 1_048_576, 137.84408569);
    expect(estimate.lines.map((entry) => entry.id)).not.toContain('route53.health-checks');
    expect(estimate.totalUsd).toBeCloseTo(
      16.425 + 19.71 + 4.5 + 57.816 + 77.08838544 + 289.08 + 0.3 + 137.84408569,
      4,
    );
  });
});

describe('item size, health-check interval and price overrides', () => {
  test('a 5 KB item needs 5 write units and 2 read units', () => {
    const estimate = estimateMonthlyCost(
      { ...TRAFFIC, itemKb: 5 },
      deployment('active-passive'),
      DEFAULT_PRICE_TABLE,
    );
    // 26.28M x 5 x 3 = 394.2M rWRU -> $246.375
    expectLine(estimate, 'dynamodb.writes', 394_200_000, 246.375);
    // 262.8M x 2 x 0.5 + 26.28M x 2 = 315.36M RRU -> $39.42
    expectLine(estimate, 'dynamodb.reads', 315_360_000, 39.42);
  });

  test('30 s health checks drop the fast-interval option and two thirds of the probes', () => {
    const estimate = estimateMonthlyCost(
      TRAFFIC,
      deployment('active-passive', { healthCheckIntervalSeconds: 30 }),
      DEFAULT_PRICE_TABLE,
    );
    expectLine(estimate, 'route53.health-checks', 3, 4.5);
    // probes: 8 x 2 x 87,600 x 3 = 4,204,800
    expectLine(estimate, 'apigateway.requests', 289_080_000 + 4_204_800, 293.2848);
  });

  test('config overrides replace single prices and say so', () => {
    const table = priceTableWith({
      route53HealthCheckMonth: 0.75,
      route53HealthCheckFeatureMonth: 2,
    });
    expect(table.asOf).toBe(
      '2025-06-01, with overrides from config (route53HealthCheckMonth, route53HealthCheckFeatureMonth)',
    );
    const estimate = estimateMonthlyCost(TRAFFIC, deployment('active-passive'), table);
    expectLine(estimate, 'route53.health-checks', 3, 14.25);
  });

  test('unknown or negative overrides are refused naming the key', () => {
    expect(() => priceTableWith({ lambdaGbSecond: 1 })).toThrow(
      /^activeActive\.pricing\.lambdaGbSecond is not a known price \(dynamodbWriteRequestUnitsPerMillion, /,
    );
    expect(() => priceTableWith({ cloudwatchAlarmMonth: -1 })).toThrow(
      'activeActive.pricing.cloudwatchAlarmMonth must be a non-negative number, got -1',
    );
  });

  test('bad traffic is refused with every problem named', () => {
    expect(() =>
      estimateMonthlyCost(
        { readsPerSecond: -1, writesPerSecond: 1, itemKb: 0, storageGb: 1 },
        deployment('read-local'),
        DEFAULT_PRICE_TABLE,
      ),
    ).toThrow(
      'reads per second must be a non-negative number, got -1; item size must be more than 0 and at most 400 KB, got 0',
    );
  });

  test('the assumptions are spelled out', () => {
    const text = describeAssumptions(TRAFFIC, DEFAULT_ASSUMPTIONS, DEFAULT_PRICE_TABLE).join('\n');
    expect(text).toContain('us-east-1 on-demand list prices as of 2025-06-01 (USD)');
    expect(text).toContain('80% of writes arrive in the tenant');
    expect(text).toContain('not included: DNS queries');
  });
});
