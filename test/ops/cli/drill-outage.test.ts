import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import type { InterruptSignal } from '../../../lib/ops/cli/context';
import { runAactl, SignalHub } from '../support/cli-harness';
import { FakeWorld } from '../support/fake-world';

/**
 * AWS stops answering in the middle of a drill (calls hang, as with an endpoint that accepts
 * connections and never answers). Fake timers: a hung call's deadline fires when the world has
 * nothing else to do, so these run in milliseconds.
 */

const T0 = Date.parse('2025-03-01T12:00:00Z');
const DRILL = ['drill', 'fail', '--region', 'eu-west-1', '--execute', '--yes', '--hold', '10m'];
const lines = (text: string) => text.trimEnd().split('\n');

function restored(world: FakeWorld): boolean {
  return (
    !world.invertedAt(world.check('eu-west-1'), world.now) &&
    world.check('eu-west-1').tags[TAG_DRILL_LOCK] === undefined
  );
}

describe('an endpoint that stops answering mid-hold', () => {
  test('GIVEN it answers again after 3 minutes THEN the drill stops and restores within its deadline (exit 1)', async () => {
    const world = new FakeWorld();
    // The hold starts at T0+40s (DNS converged); AWS is gone from T0+60s to T0+4m.
    world.unreachable = (at) => at >= T0 + 60_000 && at < T0 + 240_000;

    const run = await runAactl(world, [...DRILL, '--restore-timeout', '5m']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /aactl: stopped early: the health of us-east-1, ap-southeast-2 could not be read for \S+ \(no answer to route53\.getHealthCheckStatus within 32s/,
    );
    expect(restored(world)).toBe(true);
    expect(world.hung.length).toBeGreaterThan(0);
    // Back within the restore deadline: the outage ended at T0+4m, the restore began before T0+3m.
    expect(world.now).toBeLessThan(T0 + 3 * 60_000 + 5 * 60_000);
    expect(world.now).toBeGreaterThanOrEqual(T0 + 240_000);
  });

  test('GIVEN it never answers again THEN the restore gives up at its deadline: exit 5 with the aws commands', async () => {
    const world = new FakeWorld();
    world.unreachable = (at) => at >= T0 + 60_000;

    const run = await runAactl(world, [...DRILL, '--restore-timeout', '2m']);

    expect(run.code).toBe(5);
    // The commands come first; then the history write fails (AWS is away) and says so.
    expect(lines(run.stderr).at(-1)).toMatch(/^› Could not write the shared drill history/);
    const tail = lines(run.stderr).slice(-4, -1);
    expect(tail[0]).toMatch(
      /^aactl: stopped early: .*; restore of eu-west-1 not done by (\d\d:\d\d:\d\d) UTC \(.*\); run the printed aws commands now, or aactl drill restore --region eu-west-1$/,
    );
    expect(tail.slice(1)).toEqual([
      '  aws route53 update-health-check --health-check-id hc-2 --no-inverted',
      '  aws route53 change-tags-for-resource --resource-type healthcheck --resource-id hc-2 --remove-tag-keys aa:drill-lock',
    ]);
    const deadline = Date.parse(`2025-03-01T${/not done by (\S+) UTC/.exec(tail[0] ?? '')?.[1]}Z`);
    // Given up at the deadline; then at most one call deadline (32 s) for the history write.
    expect(world.now).toBeLessThanOrEqual(deadline + 32_000);
    expect(run.stdout).toContain('Restore by hand now:');
    expect(world.pendingTimers).toBe(0);
  });

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'GIVEN %s while a call hangs THEN it says so at once and restores without waiting for the call (exit %i)',
    async (signal: InterruptSignal, code) => {
      const world = new FakeWorld();
      const hub = new SignalHub();
      let interruptedAt: number | undefined;
      world.unreachable = (at) => {
        if (at < T0 + 60_000 || interruptedAt !== undefined) return false;
        interruptedAt = at;
        // Delivered while the call hangs; AWS answers again from then on.
        setImmediate(() => hub.deliver(signal));
        return true;
      };

      const run = await runAactl(world, DRILL, { signals: hub });

      expect(run.code).toBe(code);
      expect(run.stderr).toContain(`› Interrupted by ${signal}: restoring eu-west-1 now`);
      expect(restored(world)).toBe(true);
      // The hung call was not waited for (its deadline is 32 s); the restore took the DNS delay.
      expect(world.now - (interruptedAt ?? 0)).toBeLessThanOrEqual(45_000);
      expect(hub.handlers).toHaveLength(0);
    },
  );

  test('GIVEN AWS stays away THEN a second Ctrl-C says what the restore does and a third gives up with the aws commands', async () => {
    const world = new FakeWorld();
    const hub = new SignalHub();
    let delivered = 0;
    world.unreachable = (at) => {
      if (at < T0 + 60_000) return false;
      if (delivered < 3) {
        delivered += 1;
        setImmediate(() => hub.deliver('SIGINT'));
      }
      return true;
    };

    const run = await runAactl(world, [...DRILL, '--restore-timeout', '10m'], { signals: hub });

    expect(run.code).toBe(5);
    expect(run.stderr).toContain('› Interrupted by SIGINT: restoring eu-west-1 now');
    expect(run.stderr).toMatch(
      /› Still putting eu-west-1 back \(retrying until \d\d:\d\d:\d\d UTC\); Ctrl-C again to stop retrying and get the aws commands to finish by hand/,
    );
    expect(run.stderr).toContain(
      '› Giving up the restore of eu-west-1: the aws commands to finish it follow',
    );
    expect(run.stderr).toContain(
      '\n  aws route53 update-health-check --health-check-id hc-2 --no-inverted\n',
    );
    // Given up long before the 10 minute deadline.
    expect(world.now).toBeLessThan(T0 + 5 * 60_000);
  });
});

describe('drill restore against an endpoint that does not answer', () => {
  test('retries until --timeout, then exit 5 with the aws commands', async () => {
    const world = new FakeWorld();
    await world.route53.setInverted('hc-2', true, 1);
    world.check('eu-west-1').tags[TAG_DRILL_LOCK] =
      'v1 id=old region=eu-west-1 method=invert inverted=false pid=99 host=oncall at=2025-03-01T11:00:00Z until=2025-03-01T11:30:00Z';
    let listed = false;
    // The lookup answers; then AWS goes away.
    world.unreachable = () => {
      const down = listed;
      listed = true;
      return down;
    };

    const run = await runAactl(world, ['drill', 'restore', '--timeout', '1m']);

    expect(run.code).toBe(5);
    expect(lines(run.stderr).slice(-2)).toEqual([
      '  aws route53 update-health-check --health-check-id hc-2 --no-inverted',
      '  aws route53 change-tags-for-resource --resource-type healthcheck --resource-id hc-2 --remove-tag-keys aa:drill-lock',
    ]);
    expect(world.now - T0).toBeLessThanOrEqual(60_000);
  });
});
