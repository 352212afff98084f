import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import { formatLock } from '../../../lib/ops/drill/lock-tag';
import { runAactl, SignalHub, writeCdkJson } from '../support/cli-harness';
import { rawConfig } from '../support/config';
import { awsError, FakeWorld } from '../support/fake-world';

// eslint-disable-next-line no-control-regex -- matching ANSI colour codes
const ANSI = /\u001b\[/;
const oneLine = (text: string) => text.trimEnd().split('\n');

function leftoverLock(
  world: FakeWorld,
  region: string,
  extra: Partial<Parameters<typeof formatLock>[0]> = {},
) {
  world.check(region).tags[TAG_DRILL_LOCK] = formatLock({
    drillId: 'old',
    pid: 99,
    host: 'oncall',
    startedAt: new Date('2025-03-01T11:00:00Z'),
    until: new Date('2025-03-01T11:30:00Z'),
    method: 'invert',
    region,
    originalInverted: false,
    ...extra,
  });
}

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

describe('usage errors exit 2 with one line', () => {
  test.each([
    [
      ['drill', 'fail'],
      "aactl: required option '--region <region>' not specified; run aactl drill fail --help",
    ],
    [
      ['drill', 'fail', '--region', 'sa-east-1'],
      'aactl: --region sa-east-1 is not a configured region (us-east-1, eu-west-1, ap-southeast-2); pick one of them',
    ],
    [
      ['drill', 'fail', '--region', 'eu-west-1', '--method', 'dns'],
      "aactl: option '--method <method>' argument 'dns' is invalid. Allowed choices are invert, drain; run aactl drill fail --help",
    ],
    [
      ['drill', 'fail', '--region', 'eu-west-1', '--hold', 'soon'],
      "aactl: option '--hold <duration>' argument 'soon' is invalid. expected a duration such as 30s, 5m or 1h30m, got \"soon\"; run aactl drill fail --help",
    ],
    [
      ['drill', 'fail', '--region', 'eu-west-1', '--bogus'],
      "aactl: unknown option '--bogus'; run aactl drill fail --help",
    ],
    [['drill'], 'aactl: missing command; run aactl drill --help'],
    [['statsu'], "aactl: unknown command 'statsu' (Did you mean status?); run aactl --help"],
    [
      ['-c', 'nonsense', 'status'],
      'aactl: -c expects key=value, got "nonsense"; e.g. -c activeActive.rollout.phase=read-local',
    ],
  ])('%j', async (argv, line) => {
    const run = await runAactl(new FakeWorld(), argv);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${line}\n`);
    expect(run.stdout).toBe('');
  });

  test('an unreadable cdk.json exits 2 naming the fix', async () => {
    const run = await runAactl(new FakeWorld(), ['status'], { cdkJson: '/nonexistent/cdk.json' });

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'aactl: cannot read /nonexistent/cdk.json; run from the project root or pass --cdk-json <path to cdk.json>\n',
    );
  });

  test('-c overrides config like cdk does', async () => {
    const run = await runAactl(new FakeWorld(), [
      '-c',
      'activeActive.rollout.phase=read-local',
      'status',
      '--json',
    ]);

    const report = JSON.parse(run.stdout);
    expect(report.configPhase).toBe('read-local');
    // What runs is what was deployed; the difference is a warning.
    expect(report.rolloutPhase).toBe('active-active');
    expect(report.warnings).toContain(
      'the deployed rollout phase is active-active, but cdk.json says read-local: the next deploy changes it (see aactl rollout plan --to read-local)',
    );
  });

  test('--help lists the exit codes and exits 0', async () => {
    const run = await runAactl(new FakeWorld(), ['drill', 'fail', '--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--hold <duration>');
    expect(run.stdout).toContain('(default: 5m)');
    expect(run.stdout).toContain('130  interrupted by Ctrl-C (SIGINT), restored');
  });
});

describe('colour', () => {
  test('only on a TTY, and never with NO_COLOR', async () => {
    expect(
      (await runAactl(new FakeWorld(), ['status'], { env: { FORCE_COLOR: '1' } })).stdout,
    ).toMatch(ANSI);
    expect(
      (await runAactl(new FakeWorld(), ['status'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }))
        .stdout,
    ).not.toMatch(ANSI);
    expect(
      (await runAactl(new FakeWorld(), ['--no-color', 'status'], { env: { FORCE_COLOR: '1' } }))
        .stdout,
    ).not.toMatch(ANSI);
  });
});

describe('help', () => {
  test.each([[['help']], [['help', 'drill']], [['help', 'status']], [['drill', 'help', 'fail']]])(
    'aactl %j prints help and exits 0',
    async (argv) => {
      const run = await runAactl(new FakeWorld(), argv);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: aactl');
      expect(run.stderr).toBe('');
    },
  );

  test('each command lists only its own exit codes', async () => {
    const status = await runAactl(new FakeWorld(), ['status', '--help']);
    const restore = await runAactl(new FakeWorld(), ['drill', 'restore', '--help']);
    const cost = await runAactl(new FakeWorld(), ['cost', '--help']);
    const root = await runAactl(new FakeWorld(), ['--help']);

    expect(status.stdout).toContain('8  needs action: a stale drill lock');
    expect(status.stdout).not.toContain('interrupted by Ctrl-C');
    expect(restore.stdout).toContain('4  the drill still runs');
    expect(restore.stdout).not.toContain('130');
    expect(cost.stdout).not.toMatch(/\n {2}5 {2}/);
    expect(root.stdout).toContain("other codes are command-specific: see each command's --help");
    expect(root.stdout).not.toContain('130');
  });
});

describe('bad values are usage errors (exit 2, one line), never silently changed', () => {
  test.each([
    [
      ['--endpoint-url', 'not-a-url', 'status'],
      'aactl: --endpoint-url "not-a-url" is not an http(s) URL; pass one such as http://127.0.0.1:5000',
    ],
    [
      ['drill', 'fail', '--region', 'eu-west-1', '--observe-timeout', '0s'],
      "aactl: option '--observe-timeout <duration>' argument '0s' is invalid. expected a duration between 10s and 1h, got \"0s\"; run aactl drill fail --help",
    ],
    [
      ['drill', 'fail', '--region', 'eu-west-1', '--hold', '100000h'],
      "aactl: option '--hold <duration>' argument '100000h' is invalid. expected a duration between 0s and 6h, got \"100000h\"; run aactl drill fail --help",
    ],
    [
      ['drill', 'fail', '--region', 'eu-west-1', '--poll', '50s', '--observe-timeout', '30s'],
      'aactl: --poll 50s is longer than --observe-timeout 30s; poll more often or wait longer',
    ],
  ])('%j', async (argv, line) => {
    const run = await runAactl(new FakeWorld(), argv);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${line}\n`);
    expect(run.stdout).toBe('');
  });

  test('AACTL_ENDPOINT_URL is checked too and named', async () => {
    const run = await runAactl(new FakeWorld(), ['status'], {
      env: { AACTL_ENDPOINT_URL: 'localhost:5000' },
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'aactl: AACTL_ENDPOINT_URL "localhost:5000" is not an http(s) URL; pass one such as http://127.0.0.1:5000, or unset AACTL_ENDPOINT_URL\n',
    );
  });
});

describe('npm run and --json', () => {
  test('under npm run without -s, --json warns on stderr that npm put its banner on stdout', async () => {
    const env = { npm_lifecycle_event: 'aactl' };

    const banner = await runAactl(new FakeWorld(), ['--json', 'cost'], { env });
    const silent = await runAactl(new FakeWorld(), ['--json', 'cost'], {
      env: { ...env, npm_config_loglevel: 'silent' },
    });

    expect(banner.stderr).toBe(
      'aactl: warning: npm printed its script banner on stdout before this JSON; run npm run -s aactl -- ... (or npx tsx bin/aactl.ts) so stdout is one JSON document\n',
    );
    expect(() => JSON.parse(banner.stdout)).not.toThrow();
    expect(silent.stderr).toBe('');
  });
});
