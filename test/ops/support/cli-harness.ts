import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliDeps, InterruptSignal } from '../../../lib/ops/cli/context';
import { runCli } from '../../../lib/ops/cli/program';
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

/** Run the CLI against a fake world; returns exit code, output and side effects. */
export async function runAactl(
  world: FakeWorld,
  argv: string[],
  options: {
    cdkJson?: string;
    env?: Record<string, string>;
    pidAlive?: (pid: number) => boolean;
    signals?: SignalHub;
  } = {},
) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const files = new Map<string, string>();
  const signals = options.signals ?? new SignalHub();
  const deps = {
    env: options.env ?? {},
    cwd: '/work/drills',
    stdout: stdout as unknown as CliDeps['stdout'],
    stderr: stderr as unknown as CliDeps['stderr'],
    clock: world.clock,
    sleep: world.sleep,
    identity: { pid: 4242, hostname: 'oncall' },
    pidAlive: options.pidAlive ?? (() => false),
    signals: signals.source,
    makeGateways: () => world.gateways(),
    writeFile: async (path: string, text: string) => void files.set(path, text),
    version: '0.1.0-test',
  } satisfies CliDeps;
  const code = await runCli(['--cdk-json', options.cdkJson ?? writeCdkJson(), ...argv], deps);
  return {
    code,
    stdout: stdout.text,
    stderr: stderr.text,
    files,
    signals,
  };
}
