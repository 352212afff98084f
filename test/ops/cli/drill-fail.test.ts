import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import { formatLock } from '../../../lib/ops/drill/lock-tag';
import { FakeInput, runAactl } from '../support/cli-harness';
import { awsError, FakeWorld } from '../support/fake-world';
import { leftoverLock } from '../support/locks';

/** Issue 13: the failures that matter at 3 a.m., each reproduced on the fake world. */

const lines = (text: string) => text.trimEnd().split('\n');
const DRILL = ['drill', 'fail', '--region', 'eu-west-1'];

describe('--json is one document, also when refused', () => {
  test('refused by preflight (exit 3): the plan and the error in one document', async () => {
    const world = new FakeWorld();
    world.endpointDown.add('us-east-1');
    world.endpointDown.add('ap-southeast-2');

    const run = await runAactl(world, ['--json', ...DRILL, '--execute', '--yes']);
    const document = JSON.parse(run.stdout);

    expect(run.code).toBe(3);
    expect(document).toMatchObject({
      dryRun: false,
      plan: { allowed: false, target: 'eu-west-1' },
      error: { exitCode: 3, message: expect.stringMatching(/^refused: taking eu-west-1 out/) },
    });
    expect(lines(run.stderr).at(-1)).toMatch(/^aactl: refused: taking eu-west-1 out/);
  });

  test('lock held (exit 4): one document', async () => {
    const world = new FakeWorld();
    leftoverLock(world, 'ap-southeast-2');

    const run = await runAactl(world, ['--json', ...DRILL, '--execute', '--yes']);

    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout)).toMatchObject({
      locks: [{ region: 'ap-southeast-2', liveness: 'stale' }],
      error: { exitCode: 4 },
    });
  });
});

describe('a refused --execute says refused', () => {
  test('no "Dry run", no "Run again with --execute", no green preflight check', async () => {
    const world = new FakeWorld();
    world.endpointDown.add('us-east-1');
    world.endpointDown.add('ap-southeast-2');

    const run = await runAactl(world, [...DRILL, '--execute', '--yes']);

    expect(run.code).toBe(3);
    expect(run.stdout).toContain('Refused: drill fail eu-west-1 (invert); nothing was changed');
    expect(run.stdout).not.toContain('Dry run');
    expect(run.stdout).not.toContain('Run again with --execute');
    expect(run.stderr).toMatch(/^✖ Preflight: refused; 1 healthy now, 0 after \(minimum 1\)$/m);
    expect(run.stderr).not.toContain('✔ Preflight');
  });

  test('a refused dry run keeps "Dry run" but never offers --execute', async () => {
    const world = new FakeWorld();
    world.endpointDown.add('us-east-1');
    world.endpointDown.add('ap-southeast-2');

    const run = await runAactl(world, DRILL);

    expect(run.code).toBe(3);
    expect(run.stdout).toContain('Dry run: drill fail eu-west-1');
    expect(run.stdout).not.toContain('Run again with --execute');
  });
});

describe('a drill that observed nothing is inconclusive, never a pass', () => {
  test('TestDNSAnswer fails from every vantage: exit 7, no metric, the report says why', async () => {
    const world = new FakeWorld();
    world.dnsFault = (query) =>
      query.clientSubnet !== undefined
        ? awsError('AccessDenied', 'User is not authorized to perform route53:TestDNSAnswer')
        : undefined;

    const run = await runAactl(world, [...DRILL, '--execute', '--yes', '--metric', '--hold', '1m']);
    const report = JSON.parse(
      run.files.get('/work/drills/.drills/20250301T120000Z-eu-west-1-4242.json') ?? '{}',
    );

    expect(run.code).toBe(7);
    expect(world.metrics).toEqual([]);
    expect(report.outcome).toBe('inconclusive');
    expect(report.timings.dnsConvergenceSeconds).toBeUndefined();
    expect(report.inconclusive).toBe(
      'DNS convergence not observed: TestDNSAnswer failed from every vantage (User is not authorized to perform route53:TestDNSAnswer); check route53:TestDNSAnswer permission',
    );
    expect(run.stdout).toMatch(/DNS convergence \(action → out of every answer\)\s+not observed/);
    expect(run.stdout).not.toContain('passed');
    expect(run.stderr).toContain('› Not publishing FailoverSeconds: the drill is inconclusive');
    // Restored all the same.
    expect(world.invertedAt(world.check('eu-west-1'), world.now)).toBe(false);
    expect(world.check('eu-west-1').tags[TAG_DRILL_LOCK]).toBeUndefined();
  });
});

describe('drill restore reads health after the restore', () => {
  test('the region it just restored is reported healthy', async () => {
    const world = new FakeWorld();
    await world.route53.setInverted('hc-2', true, 1);
    world.check('eu-west-1').tags[TAG_DRILL_LOCK] = formatLock({
      drillId: 'old',
      pid: 99,
      host: 'oncall',
      startedAt: new Date('2025-03-01T11:00:00Z'),
      until: new Date('2025-03-01T11:30:00Z'),
      method: 'invert',
      region: 'eu-west-1',
      originalInverted: false,
    });

    const run = await runAactl(world, ['drill', 'restore']);
    const json = await runAactl(world, ['--json', 'drill', 'restore']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('eu-west-1 is healthy now');
    expect(json.code).toBe(0);
  });
});

describe('progress without a TTY', () => {
  test('a line every 15 s while holding, and DNS progress while observing', async () => {
    const world = new FakeWorld();

    const run = await runAactl(world, [...DRILL, '--execute', '--yes', '--hold', '1m']);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('› holding eu-west-1 out, 45s left');
    expect(run.stderr).toContain('› holding eu-west-1 out, 30s left');
    expect(run.stderr).toMatch(/› \d+s: health unhealthy, DNS [0-2]\/3 vantages moved/);
  });
});

describe('confirmation before acting', () => {
  test('on a TTY it shows what will happen and acts once the region name is typed', async () => {
    const world = new FakeWorld();
    const stdin = new FakeInput(true);
    stdin.answer('eu-west-1');

    const run = await runAactl(world, [...DRILL, '--execute', '--hold', '30s'], { stdin });

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'About to take eu-west-1 out of DNS (active-active, phase active-active):',
    );
    expect(run.stderr).toContain('  method      invert: UpdateHealthCheck hc-2 Inverted=true');
    expect(run.stderr).toContain('  hold        30s once DNS converged (poll 5s)');
    expect(run.stderr).toContain(
      '  impact      DNS then answers with us-east-1, ap-southeast-2; 2 of 3 regions stay healthy (minimum 1)',
    );
    expect(run.stderr).toContain(
      '  worst case  10m30s (observe 5m + hold 30s + restore 5m); always restored',
    );
    expect(run.stderr).toContain('Type the region name (eu-west-1) to go on: ');
    expect(world.log).toContain('setInverted eu-west-1 true v1');
  });

  test('another answer changes nothing (exit 3)', async () => {
    const world = new FakeWorld();
    const stdin = new FakeInput(true);
    stdin.answer('eu-west-2');

    const run = await runAactl(world, [...DRILL, '--execute'], { stdin });

    expect(run.code).toBe(3);
    // (A terminal echoes the typed line; the captured stream does not.)
    expect(lines(run.stderr).at(-1)).toMatch(
      /aactl: not confirmed: typed "eu-west-2", not eu-west-1; nothing was changed$/,
    );
    expect(world.log).toEqual(['listAppHealthChecks']);
  });

  test('end of input (Ctrl-D) changes nothing', async () => {
    const world = new FakeWorld();
    const stdin = new FakeInput(true);
    stdin.end();

    const run = await runAactl(world, [...DRILL, '--execute'], { stdin });

    expect(run.code).toBe(3);
    expect(world.log).toEqual(['listAppHealthChecks']);
  });

  test('without a TTY, --execute needs --yes (exit 2)', async () => {
    const world = new FakeWorld();

    const run = await runAactl(world, [...DRILL, '--execute']);

    expect(run.code).toBe(2);
    expect(lines(run.stderr).at(-1)).toBe(
      'aactl: --execute asks to type the region name, but there is no terminal to ask on; pass --yes to go on without asking (CI)',
    );
    expect(world.log).toEqual(['listAppHealthChecks']);
  });
});
