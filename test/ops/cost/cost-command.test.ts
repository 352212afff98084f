import { FakeRolloutWorld, runRollout } from '../rollout/support/fake-rollout';
import { rawConfig } from '../support/config';

describe('aactl cost', () => {
  test('the single-region baseline, the config phase and the next one, line by line', async () => {
    // GIVEN the config at active-passive WHEN the default traffic is priced
    const run = await runRollout(new FakeRolloutWorld(), ['cost'], rawConfig('active-passive'));

    // THEN (totals as in test/ops/cost/model.test.ts, computed by hand)
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /MONTHLY \(USD\)\s+single region\s+active-passive \(3 regions\)\s+read-local \(3 regions\)\s+CHANGE/,
    );
    expect(run.stdout).toMatch(/DynamoDB replicated writes\s+\$16\.43\s+\$49\.28\s+\$49\.28\s+-/);
    expect(run.stdout).toMatch(/Route 53 health checks\s+\$0\.00\s+\$7\.50\s+\$7\.50\s+-/);
    expect(run.stdout).toMatch(/total\s+\$602\.76\s+\$717\.99\s+\$723\.44\s+\+\$5\.46/);
    expect(run.stdout).toContain('Assumptions:');
    expect(run.stdout).toContain('us-east-1 on-demand list prices as of 2025-06-01');
  });

  test('traffic, regions and phases are flags', async () => {
    const run = await runRollout(
      new FakeRolloutWorld(),
      [
        'cost',
        '--reads',
        '1000',
        '--writes',
        '100',
        '--item-kb',
        '2',
        '--regions',
        '2',
        '--phase',
        'limited-write',
        '--to',
        'active-active',
        '--json',
      ],
      rawConfig('active-passive'),
    );
    const document = JSON.parse(run.stdout);
    expect(document.estimates.map((estimate: { scenario: string }) => estimate.scenario)).toEqual([
      'single-region',
      'limited-write',
      'active-active',
    ]);
    // 100 writes/s x 2,628,000 s x 2 units x 2 replicas = 1,051.2M rWRU -> $657.00
    expect(document.estimates[1].lines[0]).toMatchObject({
      id: 'dynamodb.writes',
      quantity: 1_051_200_000,
      monthlyUsd: 657,
    });
  });

  test('price overrides from cdk.json are used and shown', async () => {
    const run = await runRollout(
      new FakeRolloutWorld(),
      ['cost', '--json'],
      rawConfig('active-passive', { pricing: { route53HealthCheckMonth: 0.75 } }),
    );
    const document = JSON.parse(run.stdout);
    expect(document.prices.prices.route53HealthCheckMonth).toBe(0.75);
    const healthChecks = document.estimates[1].lines.find(
      (line: { id: string }) => line.id === 'route53.health-checks',
    );
    // 3 x (0.75 + 1 + 1)
    expect(healthChecks.monthlyUsd).toBeCloseTo(8.25, 10);
  });

  test('an unknown price name is a usage error (exit 2, one line)', async () => {
    const run = await runRollout(
      new FakeRolloutWorld(),
      ['cost'],
      rawConfig('active-passive', { pricing: { healthCheck: 1 } }),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^aactl: activeActive\.pricing\.healthCheck is not a known price \(dynamodbWriteRequestUnitsPerMillion, .*\)\n$/,
    );
  });

  test('bad traffic is a usage error', async () => {
    const run = await runRollout(new FakeRolloutWorld(), ['cost', '--writes', '-5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected writes per second between 0 and 10000000, got "-5"');
  });
});
