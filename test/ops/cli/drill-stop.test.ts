import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import { runAactl } from '../support/cli-harness';
import { FakeWorld } from '../support/fake-world';

/** Stop conditions (like AWS FIS) and deploys: a drill ends early and restores at once. */

const T0 = Date.parse('2025-03-01T12:00:00Z');
const DRILL = ['drill', 'fail', '--region', 'eu-west-1', '--execute', '--yes', '--hold', '30m'];
const lines = (text: string) => text.trimEnd().split('\n');

function restored(world: FakeWorld): boolean {
  return (
    !world.invertedAt(world.check('eu-west-1'), world.now) &&
    world.check('eu-west-1').tags[TAG_DRILL_LOCK] === undefined
  );
}

describe('--stop-on-alarm', () => {
  test('by default the 5xx and latency alarms of the regions that stay in stop the drill (exit 1)', async () => {
    const world = new FakeWorld();
    world.onSleep = () => {
      if (world.now - T0 === 120_000) world.alarm('ap-southeast-2', 'api-latency-p99', 'ALARM');
    };

    const run = await runAactl(world, ['--json', ...DRILL]);
    const { report } = JSON.parse(run.stdout);

    expect(run.code).toBe(1);
    expect(report.outcome).toBe('stopped');
    expect(report.stoppedBy).toBe(
      'stop condition: alarm active-active-ap-southeast-2-api-latency-p99 (ap-southeast-2) is in ALARM; eu-west-1 was put back at once, check that alarm',
    );
    expect(report.stopAlarms).toEqual([
      'us-east-1/active-active-us-east-1-api-5xx',
      'us-east-1/active-active-us-east-1-api-latency-p99',
      'ap-southeast-2/active-active-ap-southeast-2-api-5xx',
      'ap-southeast-2/active-active-ap-southeast-2-api-latency-p99',
    ]);
    expect(report.timings.holdSeconds).toBeLessThan(120);
    expect(restored(world)).toBe(true);
  });

  test("the target region's own alarms are not stop conditions (it is meant to fail)", async () => {
    const world = new FakeWorld();
    world.onSleep = () => {
      if (world.now - T0 === 60_000) world.alarm('eu-west-1', 'api-5xx', 'ALARM');
    };

    const run = await runAactl(world, [
      'drill',
      'fail',
      '--region',
      'eu-west-1',
      '--execute',
      '--yes',
      '--hold',
      '2m',
    ]);

    expect(run.code).toBe(0);
  });

  test('a named alarm in any region; none found: refused (exit 3)', async () => {
    const world = new FakeWorld();
    world.alarmStates.set('us-east-1/checkout-errors', 'OK');
    world.onSleep = () => {
      if (world.now - T0 === 90_000) world.alarmStates.set('us-east-1/checkout-errors', 'ALARM');
    };

    const stopped = await runAactl(world, [...DRILL, '--stop-on-alarm', 'checkout-errors']);
    const refused = await runAactl(new FakeWorld(), [...DRILL, '--stop-on-alarm', 'no-such-alarm']);

    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('alarm checkout-errors (us-east-1) is in ALARM');
    expect(refused.code).toBe(3);
    expect(lines(refused.stderr).at(-1)).toBe(
      'aactl: refused: --stop-on-alarm no-such-alarm not found in any configured region; check the alarm name (aws cloudwatch describe-alarms)',
    );
  });

  test('an alarm already in ALARM refuses the drill', async () => {
    const world = new FakeWorld();
    world.alarm('us-east-1', 'api-5xx', 'ALARM');

    const run = await runAactl(world, DRILL);

    expect(run.code).toBe(3);
    expect(lines(run.stderr).at(-1)).toBe(
      'aactl: refused: stop-condition alarm active-active-us-east-1-api-5xx in ALARM already; fix what it reports first, or pick other --stop-on-alarm',
    );
    expect(world.log).toEqual(['listAppHealthChecks']);
  });

  test('"none" watches no alarm; default alarms that do not exist are a warning', async () => {
    const world = new FakeWorld();
    world.alarmStates.clear();

    const dry = await runAactl(world, ['drill', 'fail', '--region', 'eu-west-1']);
    const none = await runAactl(world, [
      '--json',
      'drill',
      'fail',
      '--region',
      'eu-west-1',
      '--stop-on-alarm',
      'none',
    ]);

    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      '⚠ default stop-condition alarms not found: active-active-us-east-1-api-5xx, active-active-us-east-1-api-latency-p99, active-active-ap-southeast-2-api-5xx, active-active-ap-southeast-2-api-latency-p99; the drill runs without them',
    );
    expect(JSON.parse(none.stdout).stopAlarms).toEqual([]);
    expect(JSON.parse(none.stdout).warnings).toEqual([]);
  });
});

describe('deploys and drills (issue 12, point 10)', () => {
  test('refuses to start while the region stack is updating', async () => {
    const world = new FakeWorld();
    world.regionStack('eu-west-1', 'UPDATE_IN_PROGRESS');

    const run = await runAactl(world, DRILL);

    expect(run.code).toBe(3);
    expect(lines(run.stderr).at(-1)).toBe(
      'aactl: refused: the stack of eu-west-1 is UPDATE_IN_PROGRESS: a deploy resets the health check (Inverted) while it runs; wait for it to finish, then drill',
    );
    expect(world.log).toEqual(['listAppHealthChecks']);
  });

  test('a deploy that starts during the drill stops it and restores', async () => {
    const world = new FakeWorld();
    world.onSleep = () => {
      if (world.now - T0 === 100_000) world.regionStack('eu-west-1', 'UPDATE_IN_PROGRESS');
    };

    const run = await runAactl(world, DRILL);

    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toContain(
      'aactl: stop condition: stack active-active-region-eu-west-1 is UPDATE_IN_PROGRESS (a deploy resets what the drill changed); eu-west-1 was put back at once, drill again after the deploy',
    );
    expect(restored(world)).toBe(true);
  });

  test('a stack that cannot be read is a warning, not a refusal', async () => {
    const world = new FakeWorld();
    // Denied for the data stack (deployed phase) and the region stack alike.
    world.faults.describeStack = [1, 2].map(() =>
      Object.assign(new Error('not authorized to perform cloudformation:DescribeStacks'), {
        name: 'AccessDenied',
      }),
    );

    const run = await runAactl(world, ['drill', 'fail', '--region', 'eu-west-1']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '⚠ cannot read the stack of eu-west-1 (not authorized to perform cloudformation:DescribeStacks), so a running deploy cannot be ruled out',
    );
  });
});
