import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import { runAactl, SignalHub, writeCdkJson } from '../support/cli-harness';
import { rawConfig } from '../support/config';
import { awsError, FakeWorld } from '../support/fake-world';
import { leftoverLock } from '../support/locks';

const oneLine = (text: string) => text.trimEnd().split('\n');

describe('aactl drill fail (dry run)', () => {
  test('prints the plan and the predicted health matrix, changes nothing', async () => {
    const world = new FakeWorld();

    const run = await runAactl(world, ['drill', 'fail', '--region', 'eu-west-1', '--hold', '2m']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dry run: drill fail eu-west-1 (invert); nothing was changed');
    expect(run.stdout).toMatch(/eu-west-1 ◀\s+hc-2\s+healthy\s+unhealthy\s+yes\s+no/);
    expect(run.stdout).toContain('Healthy regions: 3 now, 2 after (minimum 1)');
    expect(run.stdout).toContain(
      '2. act: UpdateHealthCheck hc-2 Inverted=true (HealthCheckVersion 1)',
    );
    expect(run.stdout).toContain('4. hold 2m');
    expect(run.stdout).toContain('Run again with --execute to carry it out.');
    expect(world.log).toEqual(['listAppHealthChecks']);
  });

  test('--json gives the plan to CI', async () => {
    const world = new FakeWorld();

    const run = await runAactl(world, [
      '--json',
      'drill',
      'fail',
      '--region',
      'eu-west-1',
      '--method',
      'drain',
    ]);
    const out = JSON.parse(run.stdout);

    expect(run.code).toBe(0);
    expect(out.dryRun).toBe(true);
    expect(out.plan).toMatchObject({
      target: 'eu-west-1',
      method: 'drain',
      allowed: true,
      healthyAfter: 2,
    });
    expect(out.steps[1]).toBe(
      'act: put drain flag (pk __control__, sk drain#eu-west-1, drained=true, TTL) in active-active-data, replica eu-west-1',
    );
  });

  test('refuses (exit 3) when fewer than minHealthyRegions would stay healthy', async () => {
    const world = new FakeWorld();
    world.endpointDown.add('us-east-1');
    world.endpointDown.add('ap-southeast-2');

    const run = await runAactl(world, ['drill', 'fail', '--region', 'eu-west-1', '--execute']);

    expect(run.code).toBe(3);
    expect(oneLine(run.stderr).at(-1)).toBe(
      'aactl: refused: taking eu-west-1 out would leave 0 healthy regions (none), fewer than drills.minHealthyRegions=1, and Route 53 fails open; restore the unhealthy regions first',
    );
    expect(run.stdout).toContain('✖ refused: taking eu-west-1 out');
    expect(world.log).toEqual(['listAppHealthChecks']);
  });

  test('honours drills.minHealthyRegions from config', async () => {
    const world = new FakeWorld();
    world.endpointDown.add('ap-southeast-2');

    const run = await runAactl(world, ['drill', 'fail', '--region', 'eu-west-1'], {
      cdkJson: writeCdkJson(rawConfig('active-active', { drills: { minHealthyRegions: 2 } })),
    });

    expect(run.code).toBe(3);
  });

  test('refuses (exit 4) while a drill lock exists', async () => {
    const world = new FakeWorld();
    leftoverLock(world, 'ap-southeast-2');

    const run = await runAactl(world, ['drill', 'fail', '--region', 'eu-west-1', '--execute']);

    expect(run.code).toBe(4);
    expect(oneLine(run.stderr).at(-1)).toBe(
      'aactl: a drill left a lock on ap-southeast-2 (past its deadline 2025-03-01T11:30:00Z); run aactl drill restore --region ap-southeast-2 first',
    );
    expect(world.log).toEqual(['listAppHealthChecks']);
  });
});

describe('aactl drill fail --execute', () => {
  test('runs the drill, writes the JSON report, publishes the metric', async () => {
    const world = new FakeWorld();

    const run = await runAactl(world, [
      'drill',
      'fail',
      '--region',
      'eu-west-1',
      '--execute',
      '--yes',
      '--hold',
      '30s',
      '--metric',
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Drill 20250301T120000Z-eu-west-1-4242: eu-west-1 \(invert\) passed/,
    );
    expect(run.stdout).toMatch(/DNS convergence \(action → out of every answer\)\s+40/);
    const path = '/work/drills/.drills/20250301T120000Z-eu-west-1-4242.json';
    expect(run.stdout).toContain(`Report: ${path}`);
    const report = JSON.parse(run.files.get(path) ?? '{}');
    expect(report).toMatchObject({
      outcome: 'passed',
      timings: {
        detectionSeconds: 0,
        dnsConvergenceSeconds: 40,
        holdSeconds: 30,
        restoreSeconds: 40,
      },
    });
    expect(world.metrics).toEqual([
      {
        appName: 'active-active',
        region: 'eu-west-1',
        method: 'invert',
        failoverSeconds: 40,
        detectionSeconds: 0,
        restoreSeconds: 40,
        timestamp: expect.any(Date),
      },
    ]);
    expect(run.stderr).toContain('✔ Drill lock taken');
  });

  test('Ctrl-C during the hold restores and exits 130; SIGTERM exits 143', async () => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const world = new FakeWorld();
      const hub = new SignalHub();
      const start = world.now;
      world.onSleep = () => {
        if (world.now - start === 60_000) hub.deliver(signal);
      };

      const run = await runAactl(
        world,
        ['drill', 'fail', '--region', 'eu-west-1', '--execute', '--yes', '--hold', '1h'],
        {
          signals: hub,
        },
      );

      expect(run.code).toBe(code);
      expect(run.stderr).toContain(`› Interrupted by ${signal}: restoring eu-west-1 now`);
      expect(world.invertedAt(world.check('eu-west-1'), world.now)).toBe(false);
      expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toBeUndefined();
      expect(hub.handlers).toHaveLength(0);
    }
  });

  test('a restore that fails exits 5 with the command to finish it', async () => {
    const world = new FakeWorld();
    world.onSleep = () => {
      if (world.invertedAt(world.check('eu-west-1'), world.now)) {
        world.faults.setInverted = Array.from({ length: 10 }, () =>
          awsError('ServiceUnavailable', 'down'),
        );
      }
    };

    const run = await runAactl(world, [
      'drill',
      'fail',
      '--region',
      'eu-west-1',
      '--execute',
      '--yes',
      '--hold',
      '10s',
    ]);

    expect(run.code).toBe(5);
    expect(oneLine(run.stderr).slice(-3)).toEqual([
      'aactl: restore of eu-west-1 not done by 12:05:50 UTC (down); run the printed aws commands now, or aactl drill restore --region eu-west-1',
      '  aws route53 update-health-check --health-check-id hc-2 --no-inverted',
      '  aws route53 change-tags-for-resource --resource-type healthcheck --resource-id hc-2 --remove-tag-keys aa:drill-lock',
    ]);
  });
});

describe('aactl drill restore', () => {
  test('undoes a leftover invert drill: Inverted back, verified, lock removed', async () => {
    const world = new FakeWorld();
    await world.route53.setInverted('hc-2', true, 1);
    leftoverLock(world, 'eu-west-1');

    const run = await runAactl(world, ['drill', 'restore']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ eu-west-1: invert undone and verified; lock removed');
    expect(world.invertedAt(world.check('eu-west-1'), world.now)).toBe(false);
    expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toBeUndefined();
  });

  test('undoes a leftover drain drill', async () => {
    const world = new FakeWorld();
    await world.drain.setDrain('eu-west-1', {
      reason: 'drill',
      setAt: new Date(world.now),
      expiresAt: new Date(world.now + 3_600_000),
      drillId: 'old',
    });
    leftoverLock(world, 'eu-west-1', { method: 'drain' });

    const run = await runAactl(world, ['--json', 'drill', 'restore', '--region', 'eu-west-1']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).restored).toEqual([
      {
        region: 'eu-west-1',
        healthCheckId: 'hc-2',
        drillId: 'old',
        restored: true,
        detail: 'drain undone and verified; lock removed',
      },
    ]);
    expect(await world.drain.getDrain('eu-west-1')).toBeUndefined();
  });

  test('will not touch a drill that still runs unless --force', async () => {
    const world = new FakeWorld();
    leftoverLock(world, 'eu-west-1', { until: new Date('2025-03-01T12:30:00Z') });

    const refused = await runAactl(world, ['drill', 'restore'], { pidAlive: () => true });
    const forced = await runAactl(world, ['drill', 'restore', '--force'], { pidAlive: () => true });

    expect(refused.code).toBe(4);
    expect(oneLine(refused.stderr).at(-1)).toBe(
      'aactl: eu-west-1: drill old still runs (pid 99 is alive on oncall); wait, or pass --force if its process is gone',
    );
    expect(forced.code).toBe(0);
    expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toBeUndefined();
  });

  test('nothing to restore', async () => {
    const run = await runAactl(new FakeWorld(), ['drill', 'restore']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No drill lock found: nothing to restore.\n');
  });
});
