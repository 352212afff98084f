/**
 * The processes the sandbox starts, tracked by pid: each is stopped by its pid (SIGTERM, then
 * SIGKILL after a grace period), and the list is kept in `<dir>/state.json` so `aactl sandbox
 * down` (another process) can stop them and check that none is left, and a second `up` can tell
 * that one runs. If the hub itself dies, region hosts exit with it (their IPC channel closes);
 * DynamoDB Local is killed from the hub's exit handler, and at worst by the next `up` or `down`.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** One tracked process. */
export interface TrackedProcess {
  readonly name: string;
  readonly pid: number;
}

/** What `<dir>/state.json` holds. */
export interface SandboxState {
  readonly hubPid: number;
  readonly startedAt: string;
  readonly processes: readonly TrackedProcess[];
  /** Set once everything runs. */
  readonly ready: boolean;
}

/** Whether a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Read the state file, or undefined when there is none (or it is unreadable). */
export function readState(path: string): SandboxState | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
}

/** Stop pids: SIGTERM, wait up to `graceMs`, then SIGKILL; resolves with the pids still alive. */
export async function stopPids(pids: readonly number[], graceMs = 5_000): Promise<number[]> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(pidAlive)) await sleep(50);
  for (const pid of pids.filter(pidAlive)) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 2_000;
  while (Date.now() < killDeadline && pids.some(pidAlive)) await sleep(50);
  return pids.filter(pidAlive);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The hub's record of its children. */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private ready = false;
  private readonly onExit = () => this.killAllNow();

  constructor(
    private readonly statePath: string,
    private readonly startedAt = new Date(),
  ) {
    process.on('exit', this.onExit);
    this.save();
  }

  /** Track a child under a unique name (replacing a dead one of the same name). */
  track(name: string, child: ChildProcess): void {
    this.children.set(name, child);
    child.once('exit', () => {
      if (this.children.get(name) === child) this.save();
    });
    this.save();
  }

  /** The child of that name, if tracked. */
  get(name: string): ChildProcess | undefined {
    return this.children.get(name);
  }

  markReady(): void {
    this.ready = true;
    this.save();
  }

  /** Stop one child by its pid and forget it. */
  async stop(name: string, graceMs = 3_000): Promise<void> {
    const child = this.children.get(name);
    this.children.delete(name);
    if (child?.pid !== undefined) await stopPids([child.pid], graceMs);
    this.save();
  }

  /** Stop every child; resolves with pids that would not die (should be none). */
  async stopAll(graceMs = 5_000): Promise<number[]> {
    const pids = [...this.children.values()].flatMap((child) =>
      child.pid === undefined ? [] : [child.pid],
    );
    this.children.clear();
    const left = await stopPids(pids, graceMs);
    process.off('exit', this.onExit);
    rmSync(this.statePath, { force: true });
    return left;
  }

  private killAllNow(): void {
    for (const child of this.children.values()) {
      if (child.pid !== undefined) signal(child.pid, 'SIGKILL');
    }
    rmSync(this.statePath, { force: true });
  }

  private save(): void {
    const state: SandboxState = {
      hubPid: process.pid,
      startedAt: this.startedAt.toISOString(),
      processes: [...this.children.entries()].flatMap(([name, child]) =>
        child.pid === undefined || child.exitCode !== null || child.signalCode !== null
          ? []
          : [{ name, pid: child.pid }],
      ),
      ready: this.ready,
    };
    writeFileSync(this.statePath, `${JSON.stringify(state, null, 2)}\n`);
  }
}
