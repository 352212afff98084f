import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliDeps, InterruptSignal } from '../../../lib/ops/cli/context';
import { runCli } from '../../../lib/ops/cli/program';
import { realSleep, realTimer, systemClock } from '../../../lib/ops/progress';
import { rawConfig } from './config';
import type { FakeWorld } from './fake-world';

/** A stream that remembers what was written. */
export class CapturedStream {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** A terminal (or pipe) the CLI reads answers from; `answer` types a line. */
export class FakeInput extends PassThrough {
  constructor(readonly isTTY = false) {
    super();
  }
  answer(line: string): void {
    this.write(`${line}\n`);
  }
}

/** Delivers fake SIGINT/SIGTERM to whatever the CLI subscribed. */
export class SignalHub {
  readonly handlers: ((signal: InterruptSignal) => void)[] = [];
  subscribed = 0;
  readonly source = (handler: (signal: InterruptSignal) => void) => {
    this.handlers.push(handler);
    this.subscribed += 1;
    return () => void this.handlers.splice(this.handlers.indexOf(handler), 1);
  };
  deliver(signal: InterruptSignal): void {
    for (const handler of [...this.handlers]) handler(signal);
  }
}

/** A cdk.json in a temp dir holding the test config. */
export function writeCdkJson(config: Record<string, unknown> = rawConfig()): string {
  const dir = mkdtempSync(join(tmpdir(), 'aactl-'));
  const path = join(dir, 'cdk.json');
  writeFileSync(
    path,
    JSON.stringify({ app: 'npx tsx bin/app.ts', context: { activeActive: config } }),
  );
  return path;
}

/**
 * CLI dependencies for a test: captured stdout and stderr, files kept in memory, fake signals, the
 * real clock. Every test names its gateways; anything else can be overridden too.
 */
export function testCliDeps(
  overrides: Partial<CliDeps> & Pick<CliDeps, 'makeGateways'>,
  files = new Map<string, string>(),
) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const deps: CliDeps = {
    env: {},
    cwd: '/work/drills',
    stdout: stdout as unknown as CliDeps['stdout'],
    stderr: stderr as unknown as CliDeps['stderr'],
    stdin: new FakeInput(),
    clock: systemClock,
    sleep: realSleep,
    timer: realTimer,
    identity: { pid: 4242, hostname: 'oncall' },
    pidAlive: () => false,
    signals: new SignalHub().source,
    writeFile: async (path, text) => void files.set(path, text),
    readFile: async (path) => {
      const text = files.get(path);
      if (text === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
      }
      return text;
    },
    version: '0.1.0-test',
    ...overrides,
  };
  return { deps, stdout, stderr, files };
}

/** Run the CLI against a fake world; returns exit code, output and side effects. */
export async function runAactl(
  world: FakeWorld,
  argv: string[],
  options: {
    cdkJson?: string;
    env?: Record<string, string>;
    pidAlive?: (pid: number) => boolean;
    signals?: SignalHub;
    stdin?: FakeInput;
    /** Files written and read, shared between runs (e.g. a plan written, then run). */
    files?: Map<string, string>;
  } = {},
) {
  const signals = options.signals ?? new SignalHub();
  const { deps, stdout, stderr, files } = testCliDeps(
    {
      env: options.env ?? {},
      clock: world.clock,
      sleep: world.sleep,
      timer: world.timer,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      pidAlive: options.pidAlive ?? (() => false),
      signals: signals.source,
      makeGateways: () => world.gateways(),
    },
    options.files,
  );
  const code = await runCli(['--cdk-json', options.cdkJson ?? writeCdkJson(), ...argv], deps);
  return {
    code,
    stdout: stdout.text,
    stderr: stderr.text,
    files,
    signals,
  };
}
