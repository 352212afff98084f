import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function onPath(command: string): boolean {
  return spawnSync('which', [command]).status === 0;
}

function aactl(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/aactl.ts', ...args], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `npm start` in a process group of its own (as a terminal runs it), its output collected. */
class NpmStart {
  readonly child: ChildProcess;
  output = '';
  exitCode: number | null | undefined;
  readonly started = Date.now();

  constructor() {
    this.child = spawn('npm', ['start', '--', '--dir', DIR, '--port', '0', '--scale', '0.1'], {
      cwd: ROOT,
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.once('exit', (code) => (this.exitCode = code));
  }

  /** Resolves with the ms from spawning npm until the ready commands are printed. */
  up(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        if (this.output.includes('Ctrl-C (or aactl sandbox down')) {
          clearInterval(timer);
          resolve(Date.now() - this.started);
        } else if (this.exitCode !== undefined || Date.now() - this.started > 120_000) {
          clearInterval(timer);
          reject(new Error(`npm start did not come up: ${this.output}`));
        }
      }, 100);
    });
  }

  exited(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.exitCode !== undefined) resolve(this.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
  }
}

/** The hub and every process it recorded, from the state file. */
function sandboxPids(): number[] {
  const state = readState(join(ROOT, DIR, 'state.json'));
  return state === undefined ? [] : [state.hubPid, ...state.processes.map((entry) => entry.pid)];
}

(javaAvailable() ? describe : describe.skip)('npm start', () => {
  let first: NpmStart;
  let upAfterMs = 0;

  beforeAll(async () => {
    first = new NpmStart();
    upAfterMs = await first.up();
  }, 150_000);

  afterAll(async () => {
    // whatever happened above, nothing of this sandbox keeps running
    await stopPids(sandboxPids().filter(pidAlive), 2_000);
    for (const run of [first, second]) {
      if (run?.child.pid !== undefined && run.exitCode === undefined) run.child.kill('SIGKILL');
    }
    rmSync(join(ROOT, DIR), { recursive: true, force: true });
  });
  let second: NpmStart | undefined;

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
    const lines = first.output.split('\n');
    const start = lines.findIndex((line) => line.startsWith('# the API token'));
    const commands = lines
      .slice(
        start,
        lines.findIndex((line) => line.startsWith('Ctrl-C')),
      )
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      // dig and the AWS CLI are for those who have them
      .filter((line) => !line.startsWith('dig ') || onPath('dig'))
      .filter(
        (line) =>
          !/^AWS_ACCESS_KEY_ID=\S+ AWS_SECRET_ACCESS_KEY=\S+ aws /.test(line) || onPath('aws'),
      );
    expect(commands.length).toBeGreaterThanOrEqual(9);
    // each line as printed (a trailing `# then: ...` comment is a comment to bash too)
    const script = commands
      .map((command, index) => `echo "### step ${index + 1}" >&2\n${command}`)
      .join('\n');
    const run = spawnSync('bash', ['-c', `set -eo pipefail\n${script}`], {
      cwd: ROOT,
      env: ENV,
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (run.status !== 0)
      throw new Error(`printed commands failed (${run.status}):\n${run.stderr}\n${run.stdout}`);
    // the read-your-writes read in the second region has the write
    expect(run.stdout).toContain('{"value":1,');
    expect(run.stderr).toContain('"sessionToken":"s1.');
    expect(run.stdout).toContain('"status":"ok","region":"ap-southeast-2"');
    expect(run.stdout).toContain('api.example.com from eu-west-1: NOERROR');
    expect(run.stdout).toContain('Healthy regions: 3 of 3');
    expect(run.stdout).toMatch(/Drill \S+: us-east-1 \(invert\) passed/);
    expect(run.stdout).toContain('cut from eu-west-1');
    if (onPath('aws')) expect(run.stdout).toMatch(/active-active-eu-west-1-api-5xx\s+(OK|ALARM)/);
  }, 300_000);

  test('a second up says one is running', () => {
    const second = aactl(['sandbox', 'up', '--dir', DIR, '--port', '0']);
    expect(second.code).toBe(3);
    expect(second.stderr).toContain('a sandbox is already running');
  }, 60_000);

  test('sandbox down stops everything it started, by pid', async () => {
    expect(readState(join(ROOT, DIR, 'state.json'))?.ready).toBe(true);
    const pids = sandboxPids();
    expect(pids.length).toBe(5); // hub, DynamoDB Local, three regions
    const down = aactl(['sandbox', 'down', '--dir', DIR]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('sandbox stopped');
    expect(await first.exited()).toBe(0);
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(aactl(['sandbox', 'status', '--dir', DIR]).stderr).toContain('no sandbox is running');
  }, 60_000);

  test("Ctrl-C (SIGINT to the terminal's process group) stops everything, and the sandbox starts again after a stop", async () => {
    second = new NpmStart();
    const again = await second.up();
    process.stderr.write(`npm start again: up after ${(again / 1000).toFixed(1)} s\n`);
    const pids = sandboxPids();
    expect(pids.length).toBe(5);
    process.kill(-(second.child.pid as number), 'SIGINT');
    // npm itself dies of the SIGINT; the hub stops what it started and says so
    await second.exited();
    const deadline = Date.now() + 30_000;
    while (pids.some(pidAlive) && Date.now() < deadline) await sleep(100);
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(second.output).toContain('sandbox stopped; nothing left running');
    expect(existsSync(join(ROOT, DIR, 'state.json'))).toBe(false);
    expect(existsSync(join(ROOT, DIR, 'endpoints.json'))).toBe(false);
  }, 180_000);
});
