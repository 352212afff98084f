import type { AppConfig } from '../../config/schema';
import type { OpsGateways } from '../live';
import type { Clock, Sleep, StepReporter } from '../progress';

/** What every drill step needs from the outside world, and the drill's identity. */

/** What a drill needs from the outside world. */
export interface DrillContext {
  readonly config: AppConfig;
  readonly gateways: OpsGateways;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Timers for deadlines (each AWS call, the restore). */
  readonly timer: Sleep;
  /** Longest a single AWS call may take. */
  readonly callDeadlineMs: number;
  readonly progress: StepReporter;
  /** This process, for the lock. */
  readonly identity: { readonly pid: number; readonly hostname: string };
  /** Whether a pid is alive on this host (to judge locks). */
  readonly pidAlive: (pid: number) => boolean;
  /** The emulator endpoint, if any (named in manual restore commands). */
  readonly endpointUrl?: string;
}

/** A drill id: time, region and pid, e.g. `20250101T120000Z-eu-west-1-4242`. */
export function drillIdOf(nowMs: number, region: string, pid: number): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${stamp}-${region}-${pid}`;
}
