/**
 * Talking to a running sandbox from another process (`aactl sandbox status|partition|...`): its
 * endpoints.json says where, the control API (`/__sandbox/<command>` on the AWS endpoint) acts,
 * and `down` stops the hub and then every process it recorded, by pid.
 */
import { join } from 'node:path';
import { CliError, ExitCode } from '../cli/exit-codes';
import { readEndpoints, type Endpoints } from './endpoints';
import { pidAlive, readState, stopPids } from './processes';

/** No sandbox runs in that directory. */
export class NoSandboxError extends CliError {
  constructor(dir: string) {
    super(
      `no sandbox is running (no ${join(dir, 'endpoints.json')}); start one with npm start`,
      ExitCode.Failed,
    );
    this.name = 'NoSandboxError';
  }
}

/** The endpoints of the sandbox running in `dir`. */
export function runningEndpoints(dir: string): Endpoints {
  const endpoints = readEndpoints(dir);
  const state = readState(join(dir, 'state.json'));
  if (endpoints === undefined || state === undefined || !pidAlive(endpoints.hubPid)) {
    throw new NoSandboxError(dir);
  }
  return endpoints;
}

/** Run a control command; resolves with its JSON answer, rejects with its one-line error. */
export async function sandboxControl(
  endpoints: Pick<Endpoints, 'awsEndpoint'>,
  command: string,
  input: Readonly<Record<string, unknown>> = {},
): Promise<unknown> {
  const response = await fetch(`${endpoints.awsEndpoint}/__sandbox/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as { error?: string };
  if (!response.ok) throw new Error(body.error ?? `sandbox answered ${response.status}`);
  return body;
}

/** What `down` did. */
export interface DownResult {
  /** Whether a sandbox was running. */
  readonly wasRunning: boolean;
  /** Processes stopped (the hub and its children). */
  readonly stopped: number;
  /** Pids still alive afterwards (should be none). */
  readonly left: readonly number[];
}

/**
 * Stop the sandbox of `dir`: SIGTERM to the hub (it stops its children and removes its files),
 * then every process the state file recorded that is still alive, by pid.
 */
export async function sandboxDown(dir: string, graceMs = 20_000): Promise<DownResult> {
  const state = readState(join(dir, 'state.json'));
  if (state === undefined) return { wasRunning: false, stopped: 0, left: [] };
  const children = state.processes.map((entry) => entry.pid);
  const all = [state.hubPid, ...children].filter((pid) => pid !== process.pid);
  const alive = all.filter(pidAlive);
  const left = await stopPids(alive.slice(0, 1), graceMs).then(async (hubLeft) => [
    ...hubLeft,
    ...(await stopPids(children.filter(pidAlive), 3_000)),
  ]);
  return { wasRunning: alive.length > 0, stopped: alive.length - left.length, left };
}
