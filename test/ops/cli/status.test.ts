import { runAactl } from '../support/cli-harness';
import { awsError, FakeWorld } from '../support/fake-world';
import { leftoverLock } from '../support/locks';

// eslint-disable-next-line no-control-regex -- matching ANSI colour codes
const ANSI = /\u001b\[/;
const oneLine = (text: string) => text.trimEnd().split('\n');

describe('aactl status', () => {
  test('prints a table per region with health, checkers, DNS answer from there, and the phase', async () => {
    const world = new FakeWorld();

    const run = await runAactl(world, ['status']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'active-active  api.example.com  phase active-active (deployed)  primary us-east-1',
    );
    expect(run.stdout).toMatch(
      /eu-west-1\s+hc-2\s+healthy\s+8\/8 \(100%\)\s+no\s+no\s+no\s+eu-west-1\s+-/,
    );
    expect(run.stdout).toContain('Healthy regions: 3 of 3 (drills keep at least 1)');
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stderr).toBe('✔ Read 3 health checks\n');
  });

  test('--json prints one JSON document', async () => {
    const world = new FakeWorld();
    await world.drain.setDrain('ap-southeast-2', {
      reason: 'maintenance',
      setAt: new Date('2025-03-01T11:00:00Z'),
      expiresAt: new Date('2025-03-01T13:00:00Z'),
    });
    world.now += 30_000; // checkers notice the drain

    const run = await runAactl(world, ['status', '--json']);
    const report = JSON.parse(run.stdout);

    // A drain flag with no drill running needs action.
    expect(run.code).toBe(8);
    expect(report).toMatchObject({
      appName: 'active-active',
      publicName: 'api.example.com',
      rolloutPhase: 'active-active',
      phaseSource: 'deployed',
      configPhase: 'active-active',
      healthyRegions: 2,
      minHealthyRegions: 1,
      locks: [],
    });
    expect(report.regions[1]).toEqual({
      region: 'eu-west-1',
      primary: false,
      healthCheckId: 'hc-2',
      state: 'healthy',
      healthyShare: 1,
      healthyCheckers: 8,
      totalCheckers: 8,
      inverted: false,
      disabled: false,
      drained: false,
      dns: {
        clientSubnet: '54.246.90.0',
        regions: ['eu-west-1'],
        recordData: ['198.51.100.11'],
        responseCode: 'NOERROR',
      },
      lock: null,
      stackStatus: 'UPDATE_COMPLETE',
    });
    expect(report.regions[2]).toMatchObject({
      drained: true,
      drainReason: 'maintenance',
      state: 'unhealthy',
    });
  });

  test('reports a leftover drill lock with the fix', async () => {
    const world = new FakeWorld();
    leftoverLock(world, 'ap-southeast-2');

    const run = await runAactl(world, ['status']);

    expect(run.code).toBe(8);
    expect(run.stdout).toContain(
      '✖ leftover drill lock on ap-southeast-2 (past its deadline 2025-03-01T11:30:00Z); run aactl drill restore --region ap-southeast-2',
    );
    expect(run.stdout).toMatch(/ap-southeast-2\s+hc-3 .*stale/);
  });

  test('no health checks: exit 1 with one line naming the tag and the fix', async () => {
    const world = new FakeWorld({ appName: 'someone-else' });

    const run = await runAactl(world, ['status']);

    expect(run.code).toBe(1);
    expect(oneLine(run.stderr).at(-1)).toBe(
      'aactl: no Route 53 health check tagged aa:app=active-active in this AWS account; deploy the app, or check appName in ' +
        `${run.stderr.match(/appName in (\S+) and/)?.[1]} and --endpoint-url`,
    );
  });

  test('AWS errors become one line with the fix', async () => {
    const world = new FakeWorld();
    world.faults.listAppHealthChecks = [
      awsError('CredentialsProviderError', 'Could not load credentials\nfrom any providers'),
    ];

    const run = await runAactl(world, ['status', '--json']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'aactl: no AWS credentials found; set AWS_PROFILE (or run aws sso login), or pass --endpoint-url for a local emulator\n',
    );
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        message:
          'no AWS credentials found; set AWS_PROFILE (or run aws sso login), or pass --endpoint-url for a local emulator',
        exitCode: 1,
      },
    });
  });
});
