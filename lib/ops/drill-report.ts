import type { DrillMethod } from './drill-method';
import type { DrillPlan } from './planner';

/** The result of an executed drill: what the JSON report, the history and the table show. */

/**
 * How a drill ended. `inconclusive`: it ran and was restored, but detection or DNS convergence
 * was not observed (no vantage answered, health never read), so nothing it measured is trusted.
 * `stopped`: a stop condition ended it early (an alarm, too few healthy regions, a deploy).
 */
export type DrillOutcome =
  'passed' | 'failed' | 'stopped' | 'inconclusive' | 'interrupted' | 'restore-failed';

/** What one vantage point saw before, during and after the drill. */
export interface VantageTimeline {
  readonly region: string;
  readonly clientSubnet: string;
  readonly before: string[];
  readonly during: string[];
  readonly after: string[];
}

/** How the restore went. */
export interface RestoreReport {
  /** The health check / drain flag is back as before, read back and compared. */
  readonly configRestored: boolean;
  /**
   * The region reports healthy again: yes, no (timed out), unknown (its status could not be
   * read), or not waited for.
   */
  readonly healthyAgain: 'yes' | 'no' | 'unknown' | 'not-waited';
  /** Every vantage that answered with the region before does so again (unknown: none answered). */
  readonly dnsRestored: 'yes' | 'no' | 'unknown' | 'not-waited' | 'no-vantages';
  readonly lockRemoved: boolean;
  readonly error?: string;
  /** What to run by hand when the restore could not finish (empty when nothing is left). */
  readonly manualCommands?: readonly string[];
}

/** The result of a drill, written as JSON and rendered as a table. */
export interface DrillReport {
  readonly drillId: string;
  readonly appName: string;
  readonly region: string;
  readonly method: DrillMethod;
  /** The rollout phase that ran (deployed, else from cdk.json). */
  readonly phase: string;
  readonly healthCheckId: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly outcome: DrillOutcome;
  /** The signal that interrupted the drill, if any. */
  readonly interruptedBy?: string;
  /** Why the drill is inconclusive, if it is. */
  readonly inconclusive?: string;
  /** The stop condition that ended the drill early, if any. */
  readonly stoppedBy?: string;
  /** What went wrong, in one line, if anything. */
  readonly error?: string;
  readonly timings: {
    /** Action until the health check reported unhealthy. */
    readonly detectionSeconds?: number;
    /** Action until every vantage point stopped answering with the region (only when observed). */
    readonly dnsConvergenceSeconds?: number;
    /** Time the region was held out. */
    readonly holdSeconds?: number;
    /** Start of the restore until the region was healthy and back in DNS. */
    readonly restoreSeconds?: number;
  };
  readonly restore: RestoreReport;
  /** Whether any vantage answered with the region before the drill. */
  readonly dnsServedRegionBefore: boolean;
  readonly vantages: readonly VantageTimeline[];
  /** Regions without a vantage point (not probed). */
  readonly vantagesMissing: readonly string[];
  /** Vantage points whose baseline TestDNSAnswer failed (not observed). */
  readonly vantagesFailed: readonly { readonly region: string; readonly error: string }[];
  /** Alarms watched as stop conditions (`region/name`). */
  readonly stopAlarms: readonly string[];
  readonly plan: {
    readonly healthyNow: number;
    readonly healthyAfter: number;
    readonly minHealthyRegions: number;
    readonly matrix: DrillPlan['matrix'];
  };
}
