import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TAG_DRILL_LOCK } from '../../lambda/contract/naming';
import { writeCdkJson } from '../ops/support/cli-harness';
import { rawConfig, testConfig } from '../ops/support/config';
import { describeMoto, useSeededMoto } from '../ops/support/moto';

/** The CLI as a child process against moto: signals reach it directly. */
const ROOT = join(__dirname, '..', '..');
const MOTO_ENTRY = join(__dirname, 'fixtures', 'aactl-moto.ts');
const childEnv = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  NO_COLOR: '1',
};

describeMoto('signals during a drill (child process against moto)', () => {
  const config = testConfig('read-local');
  const cdkJson = writeCdkJson(rawConfig('read-local'));
  const moto = useSeededMoto(config);

  const inverted = async (region: string) =>
    (await moto.healthCheck(region))?.HealthCheckConfig?.Inverted;
  const lockTag = async (region: string) => (await moto.tags(region))[TAG_DRILL_LOCK];

  /** Start a drill with a long hold; once it holds, run `during`, send `signal`, await the exit. */
  async function interruptedDrill(
    signal: 'SIGINT' | 'SIGTERM',
    args: string[],
    during: () => Promise<void>,
  ) {
    const reportFile = join(mkdtempSync(join(tmpdir(), 'aactl-report-')), 'report.json');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MOTO_ENTRY,
        '--cdk-json',
        cdkJson,
        '--endpoint-url',
        moto.endpoint,
        'drill',
        'fail',
        ...args,
        '--execute',
        '--yes',
        '--hold',
        '10m',
        '--poll',
        '100ms',
        '--report-file',
        reportFile,
      ],
      { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const holding = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`drill never reached the hold:\n${stderr}`)),
        40_000,
      );
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/out of DNS after/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      await holding;
      await during();
      child.kill(signal);
      const code = await exited;
      return { code, stdout, stderr, report: JSON.parse(readFileSync(reportFile, 'utf8')) };
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }

  test('SIGINT (Ctrl-C) during the hold restores the health check and removes the lock', async () => {
    const run = await interruptedDrill('SIGINT', ['--region', 'eu-west-1'], async () => {
      // Mid-drill, as seen from outside: inverted and locked.
      expect(await inverted('eu-west-1')).toBe(true);
      expect(await lockTag('eu-west-1')).toMatch(
        /^v1 id=\S+-eu-west-1-\d+ region=eu-west-1 method=invert inverted=false /,
      );
    });

    expect(run.code).toBe(130);
    expect(run.stderr).toContain('Interrupted by SIGINT: restoring eu-west-1 now');
    expect(run.report).toMatchObject({
      outcome: 'interrupted',
      interruptedBy: 'SIGINT',
      restore: { configRestored: true, healthyAgain: 'yes', dnsRestored: 'yes', lockRemoved: true },
    });
    expect(await inverted('eu-west-1')).toBe(false);
    expect(await lockTag('eu-west-1')).toBeUndefined();
  });

  test('SIGTERM during a drain drill deletes the drain flag', async () => {
    const drain = moto.drain();

    const run = await interruptedDrill(
      'SIGTERM',
      ['--region', 'ap-southeast-2', '--method', 'drain'],
      async () => {
        expect(await drain.getDrain('ap-southeast-2')).toMatchObject({ drained: true });
      },
    );

    expect(run.code).toBe(143);
    expect(run.report.outcome).toBe('interrupted');
    expect(await drain.getDrain('ap-southeast-2')).toBeUndefined();
    expect(await lockTag('ap-southeast-2')).toBeUndefined();
  });
});
