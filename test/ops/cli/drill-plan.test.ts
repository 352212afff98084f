import { FakeInput, runAactl } from '../support/cli-harness';
import { FakeWorld } from '../support/fake-world';

/** `drill fail --plan-out` writes a plan; `drill run` carries out exactly that plan. */

const PLAN = '/work/drills/plan.json';
const lines = (text: string) => text.trimEnd().split('\n');

async function writePlan(world: FakeWorld, files: Map<string, string>, extra: string[] = []) {
  return runAactl(
    world,
    [
      'drill',
      'fail',
      '--region',
      'eu-west-1',
      '--method',
      'drain',
      '--hold',
      '2m',
      '--observe-timeout',
      '3m',
      '--stop-on-alarm',
      'active-active-us-east-1-api-5xx',
      '--plan-out',
      'plan.json',
      ...extra,
    ],
    { files },
  );
}

describe('drill plans', () => {
  test('--plan-out writes the plan and changes nothing', async () => {
    const world = new FakeWorld();
    const files = new Map<string, string>();

    const run = await writePlan(world, files);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Plan: drill fail eu-west-1 (drain); nothing was changed');
    expect(run.stdout).toContain(
      `Plan written to ${PLAN}; carry it out with: aactl drill run ${PLAN}`,
    );
    expect(JSON.parse(files.get(PLAN) ?? '{}')).toMatchObject({
      kind: 'aactl-drill-plan',
      version: 1,
      appName: 'active-active',
      healthCheckId: 'hc-2',
      createdBy: 'unknown@oncall',
      settings: {
        target: 'eu-west-1',
        method: 'drain',
        holdMs: 120_000,
        pollMs: 5_000,
        observeTimeoutMs: 180_000,
        restoreTimeoutMs: 300_000,
        metric: false,
        stopOnAlarms: ['active-active-us-east-1-api-5xx'],
      },
    });
    expect(world.log).toEqual(['listAppHealthChecks']);
  });

  test('drill run carries out exactly the plan (method, hold, stop conditions)', async () => {
    const world = new FakeWorld();
    const files = new Map<string, string>();
    await writePlan(world, files);

    const run = await runAactl(world, ['--json', 'drill', 'run', 'plan.json', '--yes'], { files });
    const { report } = JSON.parse(run.stdout);

    expect(run.code).toBe(0);
    expect(report).toMatchObject({
      region: 'eu-west-1',
      method: 'drain',
      outcome: 'passed',
      timings: { holdSeconds: 120 },
      stopAlarms: ['us-east-1/active-active-us-east-1-api-5xx'],
    });
    expect(world.log).toContain('setDrain eu-west-1');
  });

  test('drill run asks for the region name on a TTY too', async () => {
    const world = new FakeWorld();
    const files = new Map<string, string>();
    await writePlan(world, files);
    const stdin = new FakeInput(true);
    stdin.answer('no');

    const run = await runAactl(world, ['drill', 'run', 'plan.json'], { files, stdin });

    expect(run.code).toBe(3);
    expect(world.log.some((entry) => entry.startsWith('setDrain'))).toBe(false);
  });

  test('drill run re-checks the preflight: refused when a region failed since', async () => {
    const world = new FakeWorld();
    const files = new Map<string, string>();
    await writePlan(world, files);
    world.endpointDown.add('us-east-1');
    world.endpointDown.add('ap-southeast-2');

    const run = await runAactl(world, ['drill', 'run', 'plan.json', '--yes'], { files });

    expect(run.code).toBe(3);
    expect(run.stdout).toContain('Refused: drill fail eu-west-1 (drain)');
  });

  test('drill run refuses a plan made for another health check', async () => {
    const world = new FakeWorld();
    const files = new Map<string, string>();
    await writePlan(world, files);
    world.check('eu-west-1').id = 'hc-new';

    const run = await runAactl(world, ['drill', 'run', 'plan.json', '--yes'], { files });

    expect(run.code).toBe(3);
    expect(lines(run.stderr).at(-1)).toBe(
      `aactl: refused: the plan ${PLAN} was made for health check hc-2, but eu-west-1 now has hc-new; make a new plan`,
    );
  });

  test.each([
    [
      'an expired plan',
      (plan: Record<string, unknown>) => ({ ...plan, createdAt: '2025-02-01T00:00:00.000Z' }),
      'is older than 7 days (made 2025-02-01T00:00:00.000Z); make a new plan',
    ],
    [
      'a plan for other regions',
      (plan: Record<string, unknown>) => ({ ...plan, regions: ['us-east-1', 'eu-west-1'] }),
      'was made for regions us-east-1, eu-west-1, but cdk.json configures us-east-1, eu-west-1, ap-southeast-2; make a new plan',
    ],
    [
      'a hold edited beyond the limits',
      (plan: Record<string, unknown>) => ({
        ...plan,
        settings: { ...(plan.settings as object), holdMs: 100_000 * 3_600_000 },
      }),
      'has a hold of 100000h, outside 0s to 6h; make a new plan',
    ],
  ])('drill run refuses %s (exit 2)', async (_name, edit, message) => {
    const world = new FakeWorld();
    const files = new Map<string, string>();
    await writePlan(world, files);
    files.set(PLAN, JSON.stringify(edit(JSON.parse(files.get(PLAN) ?? '{}'))));

    const run = await runAactl(world, ['drill', 'run', 'plan.json', '--yes'], { files });

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`aactl: the plan ${PLAN} ${message}\n`);
  });

  test('a missing plan file is a usage error naming how to make one', async () => {
    const run = await runAactl(new FakeWorld(), ['drill', 'run', 'nope.json', '--yes']);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'aactl: cannot read the plan /work/drills/nope.json (ENOENT); make one with aactl drill fail --plan-out nope.json\n',
    );
  });

  test('--plan-out with --execute is a usage error', async () => {
    const world = new FakeWorld();

    const run = await writePlan(world, new Map(), ['--execute']);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'aactl: --plan-out writes a plan without acting; drop --execute, then carry it out with aactl drill run <plan>\n',
    );
  });
});
