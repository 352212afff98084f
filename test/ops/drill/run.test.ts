import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import type { DrillContext } from '../../../lib/ops/drill/context';
import { LockHeldError } from '../../../lib/ops/drill/lock';
import { parseLock } from '../../../lib/ops/drill/lock-tag';
import type { DrillOptions } from '../../../lib/ops/drill/options';
import { preflightDrill } from '../../../lib/ops/drill/preflight';
import { executeDrill } from '../../../lib/ops/drill/run';
import { silentReporter } from '../../../lib/ops/progress';
import { testConfig } from '../support/config';
import { awsError, FakeWorld } from '../support/fake-world';

function setup(world = new FakeWorld(), phase = world.phase) {
  const ctx: DrillContext = {
    config: testConfig(phase),
    gateways: world.gateways(),
    clock: world.clock,
    sleep: world.sleep,
    timer: world.timer,
    callDeadlineMs: 32_000,
    progress: silentReporter,
    identity: { pid: 4242, hostname: 'oncall' },
    pidAlive: () => true,
  };
  return { world, ctx };
}

function options(overrides: Partial<DrillOptions> = {}): DrillOptions {
  return {
    drillId: 'd1',
    target: 'eu-west-1',
    method: 'invert',
    holdMs: 60_000,
    pollMs: 5_000,
    observeTimeoutMs: 300_000,
    restoreTimeoutMs: 300_000,
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe('executeDrill', () => {
  test('GIVEN invert WHEN the drill runs THEN it measures, holds, restores and unlocks', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');

    const report = await executeDrill(ctx, preflight, options());

    expect(report.outcome).toBe('passed');
    expect(report.timings).toEqual({
      detectionSeconds: 0,
      dnsConvergenceSeconds: 40,
      holdSeconds: 60,
      restoreSeconds: 40,
    });
    expect(report.restore).toEqual({
      configRestored: true,
      healthyAgain: 'yes',
      dnsRestored: 'yes',
      lockRemoved: true,
    });
    expect(report.vantages.find((vantage) => vantage.region === 'eu-west-1')).toEqual({
      region: 'eu-west-1',
      clientSubnet: '54.246.90.0',
      before: ['eu-west-1'],
      during: ['us-east-1'],
      after: ['eu-west-1'],
    });
    expect(world.log.filter((entry) => !entry.startsWith('list'))).toEqual([
      `putTag eu-west-1 ${TAG_DRILL_LOCK}`,
      'setInverted eu-west-1 true v1',
      'setInverted eu-west-1 false v2',
      `removeTag eu-west-1 ${TAG_DRILL_LOCK}`,
    ]);
    expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toBeUndefined();
  });

  test('GIVEN drain THEN detection waits for the checkers and restore deletes the flag', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'drain');

    const report = await executeDrill(ctx, preflight, options({ method: 'drain' }));

    expect(report.outcome).toBe('passed');
    expect(report.timings).toEqual({
      detectionSeconds: 20,
      dnsConvergenceSeconds: 60,
      holdSeconds: 60,
      restoreSeconds: 60,
    });
    expect(world.log.filter((entry) => !entry.startsWith('list'))).toEqual([
      `putTag eu-west-1 ${TAG_DRILL_LOCK}`,
      'setDrain eu-west-1',
      'clearDrain eu-west-1',
      `removeTag eu-west-1 ${TAG_DRILL_LOCK}`,
    ]);
    const flag = world.drainHistory.get('eu-west-1')?.[0]?.flag;
    // The TTL outlives the drill (observe + hold + restore + margin), so only a forgotten flag expires.
    expect(flag?.expiresAt.getTime()).toBe(Date.parse('2025-03-01T12:21:00Z'));
    expect(flag?.drillId).toBe('d1');
  });

  test('the lock records what restore needs while the drill runs', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    let seen: string | undefined;
    world.onSleep = () => {
      seen ??= world.check('eu-west-1').tags[TAG_DRILL_LOCK];
    };

    await executeDrill(ctx, preflight, options());

    expect(seen === undefined ? undefined : parseLock(seen)).toEqual({
      ok: true,
      lock: {
        drillId: 'd1',
        region: 'eu-west-1',
        method: 'invert',
        originalInverted: false,
        pid: 4242,
        host: 'oncall',
        startedAt: new Date('2025-03-01T12:00:00Z'),
        until: new Date('2025-03-01T12:21:00Z'),
      },
    });
  });

  test('GIVEN Ctrl-C during the hold THEN it restores at once and reports the interrupt', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    const interrupt = new AbortController();
    const start = world.now;
    world.onSleep = () => {
      if (world.now - start >= 50_000) interrupt.abort('SIGINT');
    };

    const report = await executeDrill(
      ctx,
      preflight,
      options({ holdMs: 3_600_000, signal: interrupt.signal }),
    );

    expect(report.outcome).toBe('interrupted');
    expect(report.interruptedBy).toBe('SIGINT');
    expect(report.restore.configRestored).toBe(true);
    expect(report.restore.lockRemoved).toBe(true);
    expect(world.invertedAt(world.check('eu-west-1'), world.now)).toBe(false);
    // Interrupted within the first poll of the hour-long hold.
    expect(world.now - start).toBeLessThan(3_600_000);
  });

  test('GIVEN a second Ctrl-C THEN it restores but stops waiting for the region to come back', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    const interrupt = new AbortController();
    const stopWaiting = new AbortController();
    const start = world.now;
    world.onSleep = () => {
      if (world.now - start >= 50_000) interrupt.abort('SIGTERM');
      if (world.now - start >= 55_000) stopWaiting.abort('SIGTERM');
    };

    const report = await executeDrill(
      ctx,
      preflight,
      options({ signal: interrupt.signal, restoreSignal: stopWaiting.signal }),
    );

    expect(report.outcome).toBe('interrupted');
    expect(report.interruptedBy).toBe('SIGTERM');
    expect(report.restore).toEqual({
      configRestored: true,
      healthyAgain: 'not-waited',
      dnsRestored: 'not-waited',
      lockRemoved: true,
    });
    expect(world.invertedAt(world.check('eu-west-1'), world.now)).toBe(false);
  });

  test('GIVEN Ctrl-C before the action THEN nothing changes and nothing has to come back', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    const interrupt = new AbortController();
    interrupt.abort('SIGINT');

    const report = await executeDrill(ctx, preflight, options({ signal: interrupt.signal }));

    expect(report.outcome).toBe('interrupted');
    expect(report.restore).toEqual({
      configRestored: true,
      healthyAgain: 'yes',
      dnsRestored: 'yes',
      lockRemoved: true,
    });
    expect(world.log.some((entry) => entry.startsWith('setInverted'))).toBe(false);
  });

  test('GIVEN DNS never converges THEN it times out, restores, and says what it saw', async () => {
    const { world, ctx } = setup();
    world.dnsDelayMs = 3_600_000;
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');

    const report = await executeDrill(ctx, preflight, options({ observeTimeoutMs: 120_000 }));

    expect(report.outcome).toBe('failed');
    expect(report.error).toBe(
      'DNS still answered with eu-west-1 from eu-west-1 within 2m; raise --observe-timeout or check the health check and records',
    );
    expect(report.timings.detectionSeconds).toBe(0);
    expect(report.timings.dnsConvergenceSeconds).toBeUndefined();
    expect(world.invertedAt(world.check('eu-west-1'), world.now)).toBe(false);
    expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toBeUndefined();
  });

  test('GIVEN the action fails THEN the drill fails, restore finds nothing to undo, lock removed', async () => {
    const { world, ctx } = setup();
    world.faults.setInverted = [awsError('Throttling', 'Rate exceeded')];
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');

    const report = await executeDrill(ctx, preflight, options());

    expect(report.outcome).toBe('failed');
    expect(report.error).toBe('Rate exceeded');
    expect(report.restore.configRestored).toBe(true);
    expect(report.restore.lockRemoved).toBe(true);
  });

  test('GIVEN transient errors while observing THEN it keeps polling', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    // The safety guard reads the two other regions before acting and on every tick, then the
    // target is read: five faults make the target's first read fail.
    world.faults.getHealthCheckStatus = Array.from({ length: 5 }, () => awsError('Throttling'));

    const report = await executeDrill(ctx, preflight, options());

    expect(report.outcome).toBe('passed');
    expect(report.timings.detectionSeconds).toBe(5);
  });

  test('GIVEN the other regions fail during the hold THEN it stops early and restores at once', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    const start = world.now;
    world.onSleep = () => {
      if (world.now - start === 70_000) {
        world.endpointDown.add('us-east-1');
        world.endpointDown.add('ap-southeast-2');
      }
    };

    const report = await executeDrill(ctx, preflight, options({ holdMs: 3_600_000 }));

    expect(report.outcome).toBe('stopped');
    expect(report.error).toBe(
      'stopped early: us-east-1, ap-southeast-2 are not healthy, leaving 0 healthy besides eu-west-1 (minimum 1); eu-west-1 was put back at once, check those regions',
    );
    expect(report.timings.holdSeconds).toBe(30);
    expect(world.invertedAt(world.check('eu-west-1'), world.now)).toBe(false);
    expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toBeUndefined();
  });

  test('GIVEN a region failed between preflight and action THEN it does not act', async () => {
    const { world, ctx } = setup(undefined, 'active-active');
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    world.endpointDown.add('us-east-1');
    world.endpointDown.add('ap-southeast-2');

    const report = await executeDrill(ctx, preflight, options());

    expect(report.outcome).toBe('stopped');
    expect(world.log.some((entry) => entry.startsWith('setInverted'))).toBe(false);
  });

  test('GIVEN the restore keeps failing THEN outcome is restore-failed and the lock stays', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    world.onSleep = () => {
      if (world.invertedAt(world.check('eu-west-1'), world.now)) {
        world.faults.setInverted = Array.from({ length: 10 }, () =>
          awsError('ServiceUnavailable', 'Route 53 is down'),
        );
      }
    };

    const report = await executeDrill(ctx, preflight, options());

    expect(report.outcome).toBe('restore-failed');
    expect(report.error).toBe(
      'restore of eu-west-1 not done by 12:06:40 UTC (Route 53 is down); run the printed aws commands now, or aactl drill restore --region eu-west-1',
    );
    expect(report.restore.manualCommands).toEqual([
      'aws route53 update-health-check --health-check-id hc-2 --no-inverted',
      'aws route53 change-tags-for-resource --resource-type healthcheck --resource-id hc-2 --remove-tag-keys aa:drill-lock',
    ]);
    expect(report.restore.lockRemoved).toBe(false);
    expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toContain('id=d1');
  });

  test('GIVEN the region stays unhealthy after the restore THEN outcome is restore-failed, lock removed', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    world.onSleep = () => {
      if (world.now - Date.parse('2025-03-01T12:00:00Z') > 60_000)
        world.endpointDown.add('eu-west-1');
    };

    const report = await executeDrill(ctx, preflight, options({ restoreTimeoutMs: 60_000 }));

    expect(report.outcome).toBe('restore-failed');
    expect(report.restore).toMatchObject({
      configRestored: true,
      healthyAgain: 'no',
      lockRemoved: true,
    });
    expect(report.error).toBe(
      'eu-west-1 was restored but is still unhealthy after 1m; check its /health and run aactl status',
    );
  });

  test('GIVEN another drill locks at the same moment THEN both back off before acting', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    const route53 = world.route53;
    const racing: DrillContext = {
      ...ctx,
      gateways: {
        ...ctx.gateways,
        route53: {
          ...route53,
          putTag: async (id, key, value) => {
            await route53.putTag(id, key, value);
            world.check('ap-southeast-2').tags[TAG_DRILL_LOCK] = 'v1 id=other';
          },
        },
      },
    };

    await expect(executeDrill(racing, preflight, options())).rejects.toThrow(LockHeldError);
    expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toBeUndefined();
    expect(world.log.some((entry) => entry.startsWith('setInverted'))).toBe(false);
  });

  test('GIVEN active-passive and a standby target THEN DNS convergence is immediate', async () => {
    const { ctx } = setup(new FakeWorld({ phase: 'active-passive' }));
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');

    const report = await executeDrill(ctx, preflight, options());

    expect(report.outcome).toBe('passed');
    expect(report.dnsServedRegionBefore).toBe(false);
    expect(report.timings.dnsConvergenceSeconds).toBe(0);
  });

  test('GIVEN TestDNSAnswer fails for a vantage at baseline THEN DNS is observed without it', async () => {
    const { world, ctx } = setup();
    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');
    let failed = false;
    world.dnsFault = (query) => {
      if (query.clientSubnet !== '54.197.240.0' || failed) return undefined;
      failed = true;
      return awsError('InvalidInput', 'bad subnet');
    };

    const report = await executeDrill(ctx, preflight, options());

    expect(report.outcome).toBe('passed');
    expect(report.vantagesFailed).toEqual([{ region: 'us-east-1', error: 'bad subnet' }]);
    expect(report.vantages.map((vantage) => vantage.region)).toEqual([
      'eu-west-1',
      'ap-southeast-2',
    ]);
  });
});

describe('preflightDrill', () => {
  test('finds locks on any health check of the app and judges them', async () => {
    const { world, ctx } = setup();
    world.check('ap-southeast-2').tags[TAG_DRILL_LOCK] =
      'v1 id=old region=ap-southeast-2 method=invert inverted=false pid=99 host=oncall at=2025-03-01T10:00:00Z until=2025-03-01T10:30:00Z';

    const preflight = await preflightDrill(ctx, 'eu-west-1', 'invert');

    expect(preflight.locks).toEqual([
      expect.objectContaining({
        healthCheckId: 'hc-3',
        region: 'ap-southeast-2',
        liveness: 'stale',
        reason: 'past its deadline 2025-03-01T10:30:00Z',
      }),
    ]);
  });
});

describe('inconclusive drills', () => {
  test('GIVEN the status of the target health check cannot be read after the action THEN detection is not observed: inconclusive, restored', async () => {
    const { world, ctx } = setup();
    const route53 = world.route53;
    let acted = false;
    const blind: DrillContext = {
      ...ctx,
      gateways: {
        ...ctx.gateways,
        route53: {
          ...route53,
          setInverted: async (id, inverted, version) => {
            acted = true;
            return route53.setInverted(id, inverted, version);
          },
          getHealthCheckStatus: async (id) => {
            if (acted && id === 'hc-2') throw awsError('AccessDenied', 'no GetHealthCheckStatus');
            return route53.getHealthCheckStatus(id);
          },
        },
      },
    };
    const preflight = await preflightDrill(blind, 'eu-west-1', 'invert');

    const report = await executeDrill(blind, preflight, options({ observeTimeoutMs: 60_000 }));

    expect(report.outcome).toBe('inconclusive');
    expect(report.inconclusive).toBe(
      'detection not observed: the status of health check hc-2 could not be read (no GetHealthCheckStatus)',
    );
    expect(report.timings.detectionSeconds).toBeUndefined();
    expect(report.restore.configRestored).toBe(true);
    expect(world.invertedAt(world.check('eu-west-1'), world.now)).toBe(false);
  });
});
