import type { DrillMethod } from './method';

/** A drill's settings as the runner takes them, its phases, and the time limits they imply. */

/** Where a drill is; the CLI tells the operator what an interrupt does now. */
export type DrillPhase = 'preparing' | 'observing' | 'holding' | 'restoring' | 'waiting' | 'done';

/** Drill settings from the command line (or a plan file). */
export interface DrillOptions {
  readonly drillId: string;
  readonly target: string;
  readonly method: DrillMethod;
  /** How long to keep the region out once DNS converged. */
  readonly holdMs: number;
  /** Time between status polls. */
  readonly pollMs: number;
  /** Longest wait for detection and DNS convergence. */
  readonly observeTimeoutMs: number;
  /** The restore's deadline: undo, unlock, and the region healthy and back in DNS. */
  readonly restoreTimeoutMs: number;
  /** Ends observing and holding (first Ctrl-C / SIGTERM): the drill goes straight to restore. */
  readonly signal: AbortSignal;
  /** Stops waiting for the region after the undo (the undo itself completes). */
  readonly restoreSignal?: AbortSignal;
  /** Stops retrying the undo: the restore fails with the manual commands. */
  readonly giveUpSignal?: AbortSignal;
  /** Told when the drill moves on (and, when restoring, until when the restore tries). */
  readonly onPhase?: (phase: DrillPhase, restoreDeadlineMs?: number) => void;
  /** Why the region is drained (drain method). */
  readonly reason?: string;
}

/** The durations that bound a drill. */
export type DrillDurations = Pick<DrillOptions, 'observeTimeoutMs' | 'holdMs' | 'restoreTimeoutMs'>;

/** Safety margin added to a lock's deadline. */
const LOCK_MARGIN_MS = 10 * 60_000;

/** The longest a drill can run (observe, hold, restore) plus the safety margin. */
export function longestDrillMs(options: DrillDurations): number {
  return worstCaseMs(options) + LOCK_MARGIN_MS;
}

/** The worst case an operator should expect (observe, hold and restore at their limits). */
export function worstCaseMs(options: DrillDurations): number {
  return options.observeTimeoutMs + options.holdMs + options.restoreTimeoutMs;
}

/** How long the other regions may go unseen before a drill stops to be safe. */
export function blindLimitOf(pollMs: number): number {
  return Math.max(60_000, 3 * pollMs);
}
