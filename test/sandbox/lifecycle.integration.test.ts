import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive, readState, stopPids } from '../../lib/ops/sandbox/processes';
import { javaAvailable } from '../helpers/dynamodb-local';

/**
 * `npm start` as a person runs it (its own DynamoDB Local, fixed scale 0.1 and free ports so it
 * can run beside other suites): up in under 60 s on this machine, every printed command runs as
 * printed, a second `up` says one is running, and `sandbox down` leaves no process behind.
 */
const ROOT = join(__dirname, '..', '..');
const DIR = join('.sandbox', `lifecycle-${process.pid}`);
const STARTUP_BUDGET_MS = 60_000;
const ENV = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  npm_config_loglevel: 'silent',
};

function aactl(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/aactl.ts', ...args], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

(javaAvailable() ? describe : describe.skip)('npm start', () => {
  let child: ChildProcess | undefined;
  let output = '';
  let upAfterMs = 0;
  let exitCode: number | null | undefined;
  const exited = () =>
    new Promise<void>((resolve) => {
      if (child === undefined || child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });

  beforeAll(async () => {
    const started = Date.now();
    child = spawn('npm', ['start', '--', '--dir', DIR, '--port', '0', '--scale', '0.1'], {
      cwd: ROOT,
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (exitCode = code));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes('Ctrl-C (or aactl sandbox down')) {
          clearInterval(timer);
          upAfterMs = Date.now() - started;
          resolve();
        } else if (exitCode !== undefined || Date.now() - started > 120_000) {
          clearInterval(timer);
          reject(new Error(`npm start did not come up: ${output}`));
        }
      }, 100);
    });
  }, 150_000);

  afterAll(async () => {
    // whatever happened above, nothing of this sandbox keeps running
    const state = readState(join(ROOT, DIR, 'state.json'));
    const pids = [
      ...(state?.processes.map((entry) => entry.pid) ?? []),
      ...(state ? [state.hubPid] : []),
    ];
    await stopPids(pids.filter(pidAlive), 2_000);
    if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
    rmSync(join(ROOT, DIR), { recursive: true, force: true });
  });

  test('comes up in under 60 s and writes endpoints.json', () => {
    process.stderr.write(
      `\nnpm start: sandbox up after ${(upAfterMs / 1000).toFixed(1)} s (wall, from spawning npm)\n`,
    );
    expect(upAfterMs).toBeLessThan(STARTUP_BUDGET_MS);
    const endpoints = JSON.parse(readFileSync(join(ROOT, DIR, 'endpoints.json'), 'utf8')) as {
      regions: Record<string, unknown>;
      token: string;
    };
    expect(Object.keys(endpoints.regions)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    expect(endpoints.token.split('.')).toHaveLength(3);
  });

  test('every printed command runs as printed', () => {
    const lines = output.split('\n');
    const first = lines.findIndex((line) => line.startsWith('# the API token'));
    const commands = lines
      .slice(
        first,
        lines.findIndex((line) => line.startsWith('Ctrl-C')),
      )
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      // dig is for those who have it
      .filter((line) => !line.startsWith('dig ') || spawnSync('which', ['dig']).status === 0);
    expect(commands.length).toBeGreaterThanOrEqual(9);
    // each line as printed (a trailing `# then: ...` comment is a comment to bash too)
    const script = commands
      .map((command, index) => `echo "### step ${index + 1}" >&2\n${command}`)
      .join('\n');
    const run = spawnSync('bash', ['-c', `set -eo pipefail\n${script}`], {
      cwd: ROOT,
      env: ENV,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0)
      throw new Error(`printed commands failed (${run.status}):\n${run.stderr}\n${run.stdout}`);
    expect(run.stdout).toContain('"value":1');
    expect(run.stdout).toContain('"status":"ok","region":"ap-southeast-2"');
    expect(run.stdout).toContain('api.example.com from eu-west-1: NOERROR');
    expect(run.stdout).toContain('Healthy regions: 3 of 3');
    expect(run.stdout).toMatch(/Drill \S+: us-east-1 \(invert\) passed/);
    expect(run.stdout).toContain('cut from eu-west-1');
  }, 150_000);

  test('a second up says one is running', () => {
    const second = aactl(['sandbox', 'up', '--dir', DIR, '--port', '0']);
    expect(second.code).toBe(3);
    expect(second.stderr).toContain('a sandbox is already running');
  }, 60_000);

  test('sandbox down stops everything it started, by pid', async () => {
    const state = readState(join(ROOT, DIR, 'state.json'));
    expect(state?.ready).toBe(true);
    const pids = [state!.hubPid, ...state!.processes.map((entry) => entry.pid)];
    expect(pids.length).toBe(5); // hub, DynamoDB Local, three regions
    const down = aactl(['sandbox', 'down', '--dir', DIR]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('sandbox stopped');
    await exited();
    expect(exitCode).toBe(0);
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(aactl(['sandbox', 'status', '--dir', DIR]).stderr).toContain('no sandbox is running');
  }, 60_000);
});
