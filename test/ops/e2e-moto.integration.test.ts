import { UpdateHealthCheckCommand, ChangeTagsForResourceCommand } from '@aws-sdk/client-route-53';
import { TAG_DRILL_LOCK } from '../../lambda/contract/naming';
import { defaultGateways } from '../../lib/ops/cli/context';
import { runCli } from '../../lib/ops/cli/program';
import { formatLock } from '../../lib/ops/drill/lock-tag';
import { testCliDeps, writeCdkJson } from './support/cli-harness';
import { rawConfig, testConfig } from './support/config';
import { withEmulatedStatusAndDns } from './support/emulated-route53';
import { describeMoto, useSeededMoto } from './support/moto';

/**
 * End to end against moto's Route 53 and DynamoDB: the real gateways and SDK clients, with only
 * GetHealthCheckStatus and TestDNSAnswer emulated (moto has a canned status and no TestDNSAnswer).
 */
describeMoto('aactl against moto', () => {
  const config = testConfig('active-active');
  const cdkJson = writeCdkJson(rawConfig('active-active'));
  const moto = useSeededMoto(config);
  const { ids, healthCheck, tags } = moto;

  async function aactl(argv: string[]) {
    const { deps, stdout, stderr, files } = testCliDeps({
      cwd: '/tmp',
      identity: { pid: 4242, hostname: 'e2e' },
      makeGateways: (settings) =>
        withEmulatedStatusAndDns(defaultGateways(settings), settings.config),
      version: 'e2e',
    });
    const code = await runCli(
      ['--cdk-json', cdkJson, '--endpoint-url', moto.endpoint, ...argv],
      deps,
    );
    return { code, stdout: stdout.text, stderr: stderr.text, files };
  }

  test('status finds the tagged health checks and maps DNS answers to regions', async () => {
    const run = await aactl(['status', '--json']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(
      report.regions.map(
        (row: {
          region: string;
          healthCheckId: string;
          state: string;
          drained: boolean;
          dns: { regions: string[] };
        }) => [row.region, row.healthCheckId, row.state, row.drained, row.dns.regions],
      ),
    ).toEqual([
      ['us-east-1', ids['us-east-1'], 'healthy', false, ['us-east-1']],
      ['eu-west-1', ids['eu-west-1'], 'healthy', false, ['eu-west-1']],
      ['ap-southeast-2', ids['ap-southeast-2'], 'healthy', false, ['ap-southeast-2']],
    ]);
  });

  test('drill fail --method invert: inverts, observes, restores, unlocks', async () => {
    const run = await aactl([
      'drill',
      'fail',
      '--region',
      'eu-west-1',
      '--execute',
      '--yes',
      '--hold',
      '300ms',
      '--poll',
      '100ms',
      '--json',
    ]);

    expect(run.stderr).toContain('Inverted health check');
    expect(run.code).toBe(0);
    const { report } = JSON.parse(run.stdout);
    expect(report.outcome).toBe('passed');
    expect(report.restore).toEqual({
      configRestored: true,
      healthyAgain: 'yes',
      dnsRestored: 'yes',
      lockRemoved: true,
    });
    expect(
      report.vantages.find((vantage: { region: string }) => vantage.region === 'eu-west-1'),
    ).toMatchObject({
      before: ['eu-west-1'],
      during: ['us-east-1'],
      after: ['eu-west-1'],
    });
    expect(report.timings.dnsConvergenceSeconds).toBeGreaterThanOrEqual(0);
    expect(report.timings.holdSeconds).toBeGreaterThanOrEqual(0.3);
    expect((await healthCheck('eu-west-1'))?.HealthCheckConfig?.Inverted).toBe(false);
    expect(await tags('eu-west-1')).not.toHaveProperty(TAG_DRILL_LOCK);
  });

  test('drill fail --method drain: sets the flag in the region replica, then deletes it', async () => {
    const run = await aactl([
      'drill',
      'fail',
      '--region',
      'ap-southeast-2',
      '--method',
      'drain',
      '--execute',
      '--yes',
      '--hold',
      '200ms',
      '--poll',
      '100ms',
      '--json',
    ]);

    expect(run.code).toBe(0);
    const { report } = JSON.parse(run.stdout);
    expect(report.outcome).toBe('passed');
    expect(
      report.vantages.find((vantage: { region: string }) => vantage.region === 'ap-southeast-2')
        .during,
    ).toEqual(['us-east-1']);
    const drain = moto.drain();
    expect(await drain.getDrain('ap-southeast-2')).toBeUndefined();
    expect((await healthCheck('ap-southeast-2'))?.HealthCheckConfig?.Inverted).toBe(false);
  });

  test('a drill left behind is reported by status and undone by drill restore', async () => {
    await moto.route53.send(
      new UpdateHealthCheckCommand({
        HealthCheckId: ids['eu-west-1'],
        HealthCheckVersion: 1,
        Inverted: true,
      }),
    );
    await moto.route53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: ids['eu-west-1'],
        AddTags: [
          {
            Key: TAG_DRILL_LOCK,
            Value: formatLock({
              drillId: 'killed',
              pid: 999_999,
              host: 'e2e',
              startedAt: new Date(Date.now() - 60_000),
              until: new Date(Date.now() + 600_000),
              method: 'invert',
              region: 'eu-west-1',
              originalInverted: false,
            }),
          },
        ],
      }),
    );

    const status = await aactl(['status']);
    const refused = await aactl(['drill', 'fail', '--region', 'us-east-1']);
    const restore = await aactl(['drill', 'restore', '--region', 'eu-west-1']);

    // Needs action (exit 8): the stale lock and the inverted health check.
    expect(status.code).toBe(8);
    expect(status.stdout).toContain(
      '✖ leftover drill lock on eu-west-1 (pid 999999 is gone from e2e); run aactl drill restore --region eu-west-1',
    );
    expect(refused.code).toBe(4);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('✔ eu-west-1: invert undone and verified; lock removed');
    expect((await healthCheck('eu-west-1'))?.HealthCheckConfig?.Inverted).toBe(false);
    expect(await tags('eu-west-1')).not.toHaveProperty(TAG_DRILL_LOCK);
    expect((await aactl(['status'])).code).toBe(0);
  });

  test('the executed drills are in the shared history on the table', async () => {
    const list = await aactl(['--json', 'drill', 'list']);

    expect(list.code).toBe(0);
    const { readFrom, drills } = JSON.parse(list.stdout);
    expect(readFrom).toBe('us-east-1');
    expect(
      drills.map((drill: { region: string; method: string; outcome: string }) => [
        drill.region,
        drill.method,
        drill.outcome,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['eu-west-1', 'invert', 'passed'],
        ['ap-southeast-2', 'drain', 'passed'],
      ]),
    );
    const shown = await aactl(['--json', 'drill', 'show', drills[0].drillId]);
    expect(JSON.parse(shown.stdout).report.drillId).toBe(drills[0].drillId);
  });

  test('connection refused is one line that names the endpoint', async () => {
    const { deps, stderr } = testCliDeps({
      cwd: '/tmp',
      identity: { pid: 1, hostname: 'e2e' },
      makeGateways: defaultGateways,
      version: 'e2e',
    });

    const code = await runCli(
      ['--cdk-json', cdkJson, '--endpoint-url', 'http://127.0.0.1:9', 'status'],
      deps,
    );

    expect(code).toBe(1);
    expect(stderr.text.trimEnd().split('\n').at(-1)).toBe(
      'aactl: cannot connect to http://127.0.0.1:9 (connection refused); start the emulator or fix --endpoint-url / AACTL_ENDPOINT_URL',
    );
  });
});
