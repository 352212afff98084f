import { rawConfig } from '../support/config';
import { FakeRolloutWorld, runRollout } from './support/fake-rollout';

// eslint-disable-next-line no-control-regex -- matching ANSI colour codes
const ANSI = /\u001b\[/;

/** A deployed read-local app whose every gate passes. */
function healthyWorld() {
  return new FakeRolloutWorld().deploy('read-local').healthyLag(300).divergence(0);
}

describe('aactl rollout status', () => {
  test('shows phase and gates per region and domain, and that every next step is ready', async () => {
    // GIVEN read-local deployed, lag 300 ms, no divergence, no alarms, 30 carts conflicts in an hour
    const world = healthyWorld().conflicts('eu-west-1', 'carts', 30);

    // WHEN
    const run = await runRollout(world, ['rollout', 'status']);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stdout).toContain(
      'active-active rollout  window 60 min to 2026-03-01T12:00:00.000Z',
    );
    expect(run.stdout).toContain(
      'Deployed: phase read-local; regions us-east-1, eu-west-1, ap-southeast-2',
    );
    expect(run.stdout).toContain('Config:   same as deployed');
    expect(run.stdout).toMatch(
      /REGION\s+DOMAIN\s+PHASE\s+NEXT\s+LAG P99\s+CONFLICTS\/MIN\s+DIVERGENT\s+ALARMS/,
    );
    expect(run.stdout).toMatch(
      /us-east-1 \*\s+counters\s+read-local\s+limited-write\s+300 ms\s+0\s+0\s+0/,
    );
    expect(run.stdout).toMatch(/\n\s+carts\s+read-local\s+limited-write\s+0\.5\s*\n/);
    expect(run.stdout).toContain('✔ global phase: read-local -> limited-write ready');
    expect(run.stdout).toContain('✔ ledger: read-local -> limited-write ready');
    expect(run.stderr).toBe('✔ Read 3 regions\n');
  });

  test('reads the metrics of the last whole window, one GetMetricData per region', async () => {
    const world = healthyWorld();
    await runRollout(world, ['rollout', 'status', '--window', '15m']);
    expect(world.calls.filter((call) => call.startsWith('GetMetricData'))).toEqual([
      // per region: 2 heartbeat pairs + 5 conflict domains + divergence + 2 DynamoDB fallbacks
      'GetMetricData us-east-1 10',
      'GetMetricData eu-west-1 10',
      'GetMetricData ap-southeast-2 10',
    ]);
    expect(world.windows[0]).toEqual({
      start: new Date('2026-03-01T11:45:00Z'),
      end: new Date('2026-03-01T12:00:00Z'),
      periodSeconds: 900,
    });
    expect(world.calls).toContain('DescribeAlarms us-east-1 active-active-');
  });

  test('no data is "no data", never a pass, and blocks the next step', async () => {
    // GIVEN a deployed app without any metric
    const world = new FakeRolloutWorld().deploy('read-local');

    const run = await runRollout(world, ['rollout', 'status']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /us-east-1 \*\s+counters\s+read-local\s+limited-write\s+no data\s+no data\s+no data\s+0/,
    );
    expect(run.stdout).toContain('✖ global phase: read-local -> limited-write blocked');
    expect(run.stdout).toContain(
      'us-east-1: replication lag p99: no data (no lag data from eu-west-1, from ap-southeast-2)',
    );
    expect(run.stdout).toContain(
      'us-east-1 counters: conflict rate: no data (no Conflicts datapoints and no sign of the conflict feed in us-east-1)',
    );
    expect(run.stdout).toContain(
      'us-east-1: divergent entities: no data (no DivergentEntities datapoints (is the divergence probe running?))',
    );
  });

  test('--allow-missing-data lets gates without data through, and says so', async () => {
    const world = new FakeRolloutWorld().deploy('read-local');
    const run = await runRollout(world, ['rollout', 'status', '--allow-missing-data']);
    expect(run.stdout).toContain('✔ global phase: read-local -> limited-write ready');
    expect(run.stdout).toContain(
      'us-east-1: replication lag p99: no data (no lag data from eu-west-1, from ap-southeast-2) [allowed: --allow-missing-data]',
    );
  });

  test('a lag over the limit blocks, naming region, value, limit and source', async () => {
    const world = new FakeRolloutWorld()
      .deploy('read-local')
      .healthyLag(300)
      .lag('eu-west-1', 'ap-southeast-2', 2600)
      .divergence(0);
    const run = await runRollout(world, ['rollout', 'status']);
    expect(run.stdout).toContain(
      'eu-west-1: replication lag p99 2600 ms > 2000 ms (2600 ms from ap-southeast-2 (heartbeat p99, worst of 2))',
    );
    expect(run.stdout).toContain('✖ counters: read-local -> limited-write blocked');
  });

  test('falls back to DynamoDB ReplicationLatency (read in the sending region) without heartbeats', async () => {
    // GIVEN no heartbeat into ap-southeast-2 from us-east-1, but DynamoDB's own metric
    const world = new FakeRolloutWorld().deploy('read-local').divergence(0);
    for (const [region, source] of [
      ['us-east-1', 'eu-west-1'],
      ['us-east-1', 'ap-southeast-2'],
      ['eu-west-1', 'us-east-1'],
      ['eu-west-1', 'ap-southeast-2'],
      ['ap-southeast-2', 'eu-west-1'],
    ] as const) {
      world.lag(region, source, 250);
    }
    world.dynamoLag('ap-southeast-2', 'us-east-1', 900);

    const run = await runRollout(world, ['rollout', 'status', '--json']);
    const report = JSON.parse(run.stdout);

    expect(report.regions[2].lag).toEqual({
      gate: 'replication-lag',
      status: 'pass',
      value: 900,
      limit: 2000,
      unit: 'ms',
      detail: '900 ms from us-east-1 (DynamoDB ReplicationLatency max (fallback), worst of 2)',
    });
  });

  test('no Conflicts datapoints count as zero only when the conflict feed demonstrably ran', async () => {
    const world = healthyWorld();
    const report = JSON.parse((await runRollout(world, ['rollout', 'status', '--json'])).stdout);
    expect(report.regions[0].domains[0].conflicts).toEqual({
      gate: 'conflict-rate',
      status: 'pass',
      value: 0,
      limit: 1,
      unit: 'per minute',
      detail: 'no conflict recorded; the conflict feed in us-east-1 ran (it measured heartbeats)',
    });
  });

  test('an alarm in ALARM blocks every promotion and is named', async () => {
    const world = healthyWorld().alarm('eu-west-1', 'active-active-eu-west-1-api-errors');
    const run = await runRollout(world, ['rollout', 'status']);
    expect(run.stdout).toMatch(
      /eu-west-1\s+counters\s+read-local\s+limited-write\s+300 ms\s+0\s+0\s+1/,
    );
    expect(run.stdout).toContain(
      'eu-west-1: alarms 1 alarms > 0 alarms (in ALARM: active-active-eu-west-1-api-errors)',
    );
    expect(run.stdout).toContain('✖ global phase: read-local -> limited-write blocked');
  });

  test('metrics that cannot be read are no data, with the reason', async () => {
    const world = healthyWorld();
    world.failingMetricRegions.add('eu-west-1');
    const report = JSON.parse((await runRollout(world, ['rollout', 'status', '--json'])).stdout);
    expect(report.regions[1].divergence.status).toBe('no-data');
    expect(report.regions[1].divergence.detail).toBe(
      'metrics could not be read: User is not authorized to perform cloudwatch:GetMetricData',
    );
  });

  test('a region still on the old phase (a deploy that stopped half-way) blocks the next step', async () => {
    // GIVEN the data stack and two regions on read-local, ap-southeast-2 still active-passive
    const world = healthyWorld().deployRegion('ap-southeast-2', 'active-passive');
    const run = await runRollout(world, ['rollout', 'status']);
    expect(run.stdout).toMatch(/ap-southeast-2\s+counters\s+active-passive\s+read-local/);
    expect(run.stdout).toContain(
      'deploy incomplete: ap-southeast-2 runs global phase active-passive but the data stack recorded read-local; finish the deploy (cdk deploy --all) first',
    );
  });

  test('domains cannot be promoted while the global phase is active-passive', async () => {
    const world = new FakeRolloutWorld().deploy('active-passive').healthyLag().divergence(0);
    const run = await runRollout(world, ['rollout', 'status'], rawConfig('active-passive'));
    expect(run.stdout).toContain('✔ global phase: active-passive -> read-local ready');
    expect(run.stdout).toContain('✖ counters: active-passive -> read-local blocked');
    expect(run.stdout).toContain(
      'the global phase is active-passive: the secondaries are standbys, so promote the global phase to read-local first',
    );
  });

  test('shows what the local config would deploy', async () => {
    const world = healthyWorld();
    const run = await runRollout(world, ['rollout', 'status'], rawConfig('active-active'));
    expect(run.stdout).toContain('Config:   rollout.phase read-local -> active-active (refused)');
  });

  test('without a deployed data stack: exit 1 with the reason', async () => {
    const run = await runRollout(new FakeRolloutWorld(), ['rollout', 'status']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'aactl: stack active-active-data not found in us-east-1; deploy the app first',
    );
  });

  test('--json prints one JSON document with the promotions', async () => {
    const run = await runRollout(healthyWorld(), ['rollout', 'status', '--json']);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      appName: 'active-active',
      window: { minutes: 60 },
      thresholds: { maxLagP99Ms: 2000, maxConflictsPerMinute: 1, maxDivergentEntities: 0 },
      deployed: { phase: 'read-local' },
      drift: [],
      globalAlarms: null,
    });
    expect(report.promotions[0]).toEqual({
      unit: 'global',
      from: 'read-local',
      to: 'limited-write',
      ready: true,
      blockers: [],
    });
  });
});

describe('aactl rollout status --require-ready (CI before cdk deploy)', () => {
  test('nothing pending: exit 0', async () => {
    const run = await runRollout(new FakeRolloutWorld().deploy('read-local'), [
      'rollout',
      'status',
      '--require-ready',
    ]);
    expect(run.code).toBe(0);
  });

  test('a pending promotion whose gates pass: exit 0', async () => {
    const run = await runRollout(
      healthyWorld(),
      ['rollout', 'status', '--require-ready'],
      rawConfig('limited-write'),
    );
    expect(run.code).toBe(0);
  });

  test('a pending promotion without data: exit 6 naming the gate', async () => {
    const run = await runRollout(
      new FakeRolloutWorld().deploy('read-local'),
      ['rollout', 'status', '--require-ready'],
      rawConfig('limited-write'),
    );
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(
      /aactl: the pending step is not ready: rollout\.phase read-local -> limited-write: us-east-1: replication lag p99: no data/,
    );
  });

  test('a pending jump of two phases: exit 3 with the guard message', async () => {
    const run = await runRollout(
      healthyWorld(),
      ['rollout', 'status', '--require-ready'],
      rawConfig('active-active'),
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'aactl: the pending step is refused: rollout.phase would move from read-local to active-active (2 steps); a deploy moves at most one step: deploy limited-write first, or force it with -c activeActive.rollout.allowMultiStep=true',
    );
  });

  test('the first promotion (active-passive -> read-local) is ready when its gates pass', async () => {
    // GIVEN active-passive deployed, every gate green, and cdk.json asking for read-local (the
    // domains follow the global phase, so they move in the same deploy)
    const world = new FakeRolloutWorld().deploy('active-passive').healthyLag(300).divergence(0);

    const run = await runRollout(
      world,
      ['rollout', 'status', '--require-ready'],
      rawConfig('read-local'),
    );

    expect(run.stderr).not.toContain('promote the global phase to read-local first');
    expect(run.code).toBe(0);
  });

  test('the first promotion without data passes with --allow-missing-data', async () => {
    const run = await runRollout(
      new FakeRolloutWorld().deploy('active-passive'),
      ['rollout', 'status', '--require-ready', '--allow-missing-data'],
      rawConfig('read-local'),
    );

    expect(run.stderr).not.toContain('promote the global phase');
    expect(run.code).toBe(0);
  });

  test('the first promotion still names a blocking alarm', async () => {
    const world = new FakeRolloutWorld()
      .deploy('active-passive')
      .healthyLag(300)
      .divergence(0)
      .alarm('eu-west-1', 'active-active-eu-west-1-api-5xx');

    const run = await runRollout(
      world,
      ['rollout', 'status', '--require-ready'],
      rawConfig('read-local'),
    );

    expect(run.code).toBe(6);
    expect(run.stderr).toContain('rollout.phase active-passive -> read-local: eu-west-1: ');
    expect(run.stderr).not.toContain('promote the global phase');
  });

  test('a demotion is never gated', async () => {
    const run = await runRollout(
      new FakeRolloutWorld().deploy('read-local'),
      ['rollout', 'status', '--require-ready'],
      rawConfig('active-passive'),
    );
    expect(run.code).toBe(0);
  });
});

describe('aactl rollout status options', () => {
  test('bad numbers are usage errors (exit 2, one line)', async () => {
    const run = await runRollout(healthyWorld(), ['rollout', 'status', '--max-lag-ms', 'fast']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `aactl: option '--max-lag-ms <ms>' argument 'fast' is invalid. expected milliseconds between 0 and 3600000, got "fast"; run aactl rollout status --help\n`,
    );
  });

  test.each([['0s'], ['90s'], ['30d']])('--window %s is refused, never rounded', async (value) => {
    const run = await runRollout(healthyWorld(), ['rollout', 'status', '--window', value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `aactl: option '--window <duration>' argument '${value}' is invalid. expected whole minutes between 1m and 14d (CloudWatch periods are whole minutes), got "${value}"; run aactl rollout status --help\n`,
    );
  });

  test('thresholds are flags', async () => {
    const world = healthyWorld();
    const run = await runRollout(world, ['rollout', 'status', '--max-lag-ms', '200', '--json']);
    expect(JSON.parse(run.stdout).regions[0].lag.status).toBe('fail');
  });
});
