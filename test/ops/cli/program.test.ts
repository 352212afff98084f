import { runAactl } from '../support/cli-harness';
import { FakeWorld } from '../support/fake-world';

// eslint-disable-next-line no-control-regex -- matching ANSI colour codes
const ANSI = /\u001b\[/;

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
