import { TAG_DRILL_LOCK } from '../../lambda/contract/naming';
import { formatLock } from '../../lib/ops/drill/lock-tag';
import { runAactl } from './support/cli-harness';
import { FakeWorld } from './support/fake-world';

/** A lock as a running (or dead) drill leaves it. */
function lockOn(world: FakeWorld, region: string, until = '2025-03-01T12:30:00Z') {
  world.check(region).tags[TAG_DRILL_LOCK] = formatLock({
    drillId: 'd9',
    pid: 77,
    host: 'other-host',
    startedAt: new Date('2025-03-01T11:55:00Z'),
    until: new Date(until),
    method: 'invert',
    region,
    originalInverted: false,
  });
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('aactl status exit codes (monitoring can run it)', () => {
  test('nothing to do: exit 0', async () => {
    const run = await runAactl(new FakeWorld(), ['status', '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).needsAction).toEqual([]);
  });

  test('a region inverted with no drill running: exit 8 naming the command that fixes it', async () => {
    const world = new FakeWorld();
    await world.route53.setInverted('hc-2', true, 1);

    const run = await runAactl(world, ['status']);

    expect(run.code).toBe(8);
    expect(run.stdout).toContain(
      '✖ the health check of eu-west-1 (hc-2) is inverted with no drill running, so Route 53 reads it upside down; if that is a leftover, run aws route53 update-health-check --health-check-id hc-2 --no-inverted',
    );
    expect(lastLine(run.stderr)).toBe(
      'aactl: 1 item needs action: the health check of eu-west-1 (hc-2) is inverted with no drill running, so Route 53 reads it upside down; if that is a leftover, run aws route53 update-health-check --health-check-id hc-2 --no-inverted',
    );
  });

  test('tenants taken over in the last 24 h are listed with what to expect ([J])', async () => {
    const world = new FakeWorld();
    world.moved.push(
      {
        tenant: 'acme',
        home: 'eu-west-1',
        epoch: 3,
        movedAtMs: world.now - 60_000,
        lost: 'us-east-1',
      },
      { tenant: 'globex', home: 'ap-southeast-2', epoch: 1, movedAtMs: world.now - 120_000 },
      { tenant: 'old', home: 'eu-west-1', epoch: 2, movedAtMs: world.now - 48 * 3_600_000 },
    );

    const run = await runAactl(world, ['status', '--json']);

    const report = JSON.parse(run.stdout);
    expect(report.movedTenants.map((tenant: { tenant: string }) => tenant.tenant)).toEqual([
      'acme',
      'globex',
    ]);
    expect(report.warnings).toContainEqual(
      expect.stringContaining('tenant acme was taken over from us-east-1 into eu-west-1 (epoch 3'),
    );
    expect(report.needsAction).toEqual([]);
  });

  test('a disabled health check with no drill: exit 8', async () => {
    const world = new FakeWorld();
    world.check('ap-southeast-2').disabled = true;

    const run = await runAactl(world, ['status', '--json']);

    expect(run.code).toBe(8);
    expect(JSON.parse(run.stdout).needsAction).toEqual([
      'the health check of ap-southeast-2 (hc-3) is disabled, so Route 53 treats ap-southeast-2 as healthy whatever /health says; run aws route53 update-health-check --health-check-id hc-3 --no-disabled',
    ]);
  });

  test('a drain flag set by hand with no drill: exit 8 with the delete-item command', async () => {
    const world = new FakeWorld();
    await world.drain.setDrain('eu-west-1', {
      reason: 'maintenance',
      setAt: new Date(world.now),
      expiresAt: new Date(world.now + 3_600_000),
    });

    const run = await runAactl(world, ['--endpoint-url', 'http://127.0.0.1:5000', 'status']);

    expect(run.code).toBe(8);
    expect(run.stdout).toContain(
      `✖ eu-west-1 is drained with no drill running (maintenance, expires 2025-03-01T13:00:00Z), so Route 53 keeps it out; if it should serve, run aws dynamodb delete-item --endpoint-url http://127.0.0.1:5000 --region eu-west-1 --table-name active-active-data --key '{"pk":{"S":"__control__"},"sk":{"S":"drain#eu-west-1"}}'`,
    );
  });

  test('a health check missing for a configured region: exit 8', async () => {
    const world = new FakeWorld();
    world.check('ap-southeast-2').tags['aa:app'] = 'someone-else';

    const run = await runAactl(world, ['status', '--json']);

    expect(run.code).toBe(8);
    expect(JSON.parse(run.stdout).needsAction).toEqual([
      'no health check tagged aa:app=active-active, aa:region=ap-southeast-2; deploy that region stack (npx cdk deploy active-active-region-ap-southeast-2)',
    ]);
  });

  test('a stale lock: exit 8; a drill running: exit 0', async () => {
    const stale = new FakeWorld();
    lockOn(stale, 'eu-west-1', '2025-03-01T11:59:00Z');
    await stale.route53.setInverted('hc-2', true, 1);
    const running = new FakeWorld();
    lockOn(running, 'eu-west-1');
    await running.route53.setInverted('hc-2', true, 1);

    const staleRun = await runAactl(stale, ['status', '--json']);
    const runningRun = await runAactl(running, ['status', '--json']);

    expect(staleRun.code).toBe(8);
    expect(JSON.parse(staleRun.stdout).needsAction).toEqual([
      'leftover drill lock on eu-west-1 (past its deadline 2025-03-01T11:59:00Z); run aactl drill restore --region eu-west-1',
      'the health check of eu-west-1 (hc-2) is inverted with no drill running, so Route 53 reads it upside down; if that is a leftover, run aactl drill restore --region eu-west-1',
    ]);
    expect(runningRun.code).toBe(0);
  });

  test('a stack update during a drill: exit 8 (the deploy resets Inverted)', async () => {
    const world = new FakeWorld();
    lockOn(world, 'eu-west-1');
    world.regionStack('eu-west-1', 'UPDATE_IN_PROGRESS');

    const run = await runAactl(world, ['status', '--json']);

    expect(run.code).toBe(8);
    expect(JSON.parse(run.stdout).needsAction).toEqual([
      'stack active-active-region-eu-west-1 is UPDATE_IN_PROGRESS during drill d9: a deploy resets the health check (Inverted=false) under the drill; once it ends, run aactl drill restore --region eu-west-1 --force if the drill process is gone, then aactl status',
    ]);
  });

  test('a stack update with no drill is a warning only', async () => {
    const world = new FakeWorld();
    world.regionStack('eu-west-1', 'UPDATE_IN_PROGRESS');

    const run = await runAactl(world, ['status']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '⚠ stack active-active-region-eu-west-1 is UPDATE_IN_PROGRESS: a deploy runs; drills of eu-west-1 are refused until it ends',
    );
  });

  test('--help lists the conditions of exit 8', async () => {
    const run = await runAactl(new FakeWorld(), ['status', '--help']);

    expect(run.stdout).toContain(
      '8  needs action: a stale drill lock; a region inverted or disabled',
    );
  });
});

describe('aactl status shows the deployed rollout phase', () => {
  test('the deployed phase, and a warning when cdk.json differs', async () => {
    const world = new FakeWorld({ phase: 'active-active' });
    world.deployPhase('read-local');

    const run = await runAactl(world, ['status']);

    expect(run.stdout).toContain('phase read-local (deployed)');
    expect(run.stdout).toContain(
      '⚠ the deployed rollout phase is read-local, but cdk.json says active-active: the next deploy changes it (see aactl rollout plan --to active-active)',
    );
  });

  test('cdk.json when the data stack cannot be read, and says why', async () => {
    const world = new FakeWorld();
    world.stackStates.delete('us-east-1/active-active-data');

    const run = await runAactl(world, ['status', '--json']);
    const report = JSON.parse(run.stdout);

    expect(report).toMatchObject({
      rolloutPhase: 'active-active',
      phaseSource: 'cdk.json',
      configPhase: 'active-active',
    });
    expect(report.warnings).toContain(
      'deployed rollout phase unknown (stack active-active-data not found in us-east-1; deploy the app first); showing active-active from cdk.json',
    );
  });
});
