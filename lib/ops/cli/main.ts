import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { realSleep, systemClock } from '../progress';
import { defaultGateways, type CliDeps, type SignalSource } from './context';
import { runCli } from './program';

/**
 * Process wiring for `bin/aactl.ts` (and test entries that swap single dependencies): real
 * streams, clock, signals and AWS gateways.
 */

/** SIGINT/SIGTERM handlers for the duration of a drill. */
export const processSignals: SignalSource = (handler) => {
  const onSigint = () => handler('SIGINT');
  const onSigterm = () => handler('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  };
};

/** Whether a process runs on this machine (signal 0 probes without touching it). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The real dependencies. */
export function nodeCliDeps(options: { version: string; env: NodeJS.ProcessEnv }): CliDeps {
  return {
    env: options.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    clock: systemClock,
    sleep: realSleep,
    // Ref'd on purpose: a pending deadline keeps aactl alive until it fires; main() exits at the end.
    timer: realSleep,
    identity: { pid: process.pid, hostname: hostname() },
    pidAlive,
    signals: processSignals,
    makeGateways: defaultGateways,
    writeFile: async (path, text) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, 'utf8');
    },
    readFile: (path) => readFile(path, 'utf8'),
    version: options.version,
  };
}

/**
 * Run the CLI, let stdout and stderr drain, then exit: an AWS call given up on (timed out, or
 * cancelled by Ctrl-C) may hold a socket until its own timeout, which must not delay the exit.
 */
export async function main(argv: readonly string[], deps: CliDeps): Promise<void> {
  const code = await runCli(argv, deps);
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
