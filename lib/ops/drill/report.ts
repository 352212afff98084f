import { answerIncludes } from '../dns-answer';
import type { VantageAnswer } from '../live';
import type { VantagePoint } from '../vantage-points';
import type { DrillMethod } from './method';
import type { DrillOptions } from './options';
import type { DrillPlan } from './planner';
import type { DrillPreflight } from './preflight';

/**
 * The result of an executed drill: what the JSON report, the history and the table show, and how
 * it is put together from what the drill saw.
 */

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

/** Timings as a drill collects them. */
export type DrillTimings = {
  -readonly [K in keyof DrillReport['timings']]: DrillReport['timings'][K];
};

/** How a drill ended before its restore (the restore may still make it `restore-failed`). */
export interface DrillEnding {
  readonly outcome: DrillOutcome;
  readonly error?: string;
  readonly interruptedBy?: string;
  readonly inconclusive?: string;
  readonly stoppedBy?: string;
}

/** What each vantage answered before, during and after, by vantage region. */
export class VantageTimelines {
  private readonly byRegion: Map<string, Record<'before' | 'during' | 'after', string[]>>;

  constructor(vantages: readonly VantagePoint[]) {
    this.byRegion = new Map(
      vantages.map((vantage) => [vantage.region, { before: [], during: [], after: [] }]),
    );
  }

  /** Record the regions each vantage's answer held at `when`. */
  record(when: 'before' | 'during' | 'after', answers: readonly VantageAnswer[]): void {
    for (const answer of answers) {
      const entry = this.byRegion.get(answer.vantage.region);
      if (entry) entry[when] = answer.mapped.regions;
    }
  }

  /** The timelines of the vantages observed. */
  of(vantages: readonly VantagePoint[]): VantageTimeline[] {
    return vantages.map((vantage) => ({
      region: vantage.region,
      clientSubnet: vantage.clientSubnet,
      ...(this.byRegion.get(vantage.region) ?? { before: [], during: [], after: [] }),
    }));
  }
}

/** Everything a report is made of. */
export interface ReportInput {
  readonly appName: string;
  readonly options: Pick<DrillOptions, 'drillId' | 'target' | 'method'>;
  readonly preflight: Pick<DrillPreflight, 'phase' | 'stopAlarms' | 'plan'>;
  readonly healthCheckId: string;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly ending: DrillEnding;
  readonly timings: DrillReport['timings'];
  /** How the restore went (restore.ts's result). */
  readonly restored: Omit<RestoreReport, 'manualCommands'> & {
    readonly manualCommands: readonly string[];
    readonly failed: boolean;
    readonly restoreSeconds?: number;
  };
  readonly baseline: readonly VantageAnswer[];
  readonly vantages: readonly VantagePoint[];
  readonly timelines: VantageTimelines;
  readonly vantagesMissing: readonly string[];
  readonly vantagesFailed: DrillReport['vantagesFailed'];
}

/** The report of an executed drill. */
export function reportOf(input: ReportInput): DrillReport {
  const { ending, restored, options, preflight } = input;
  const outcome = restored.failed ? 'restore-failed' : ending.outcome;
  const errors = [ending.error, restored.error].filter(
    (text): text is string => text !== undefined,
  );
  return {
    drillId: options.drillId,
    appName: input.appName,
    region: options.target,
    method: options.method,
    phase: preflight.phase,
    healthCheckId: input.healthCheckId,
    startedAt: new Date(input.startedAtMs).toISOString(),
    endedAt: new Date(input.endedAtMs).toISOString(),
    outcome,
    ...(ending.interruptedBy !== undefined ? { interruptedBy: ending.interruptedBy } : {}),
    ...(ending.inconclusive !== undefined ? { inconclusive: ending.inconclusive } : {}),
    ...(ending.stoppedBy !== undefined ? { stoppedBy: ending.stoppedBy } : {}),
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    timings: {
      ...input.timings,
      ...(restored.restoreSeconds !== undefined ? { restoreSeconds: restored.restoreSeconds } : {}),
    },
    restore: {
      configRestored: restored.configRestored,
      healthyAgain: restored.healthyAgain,
      dnsRestored: restored.dnsRestored,
      lockRemoved: restored.lockRemoved,
      ...(restored.error !== undefined ? { error: restored.error } : {}),
      ...(restored.manualCommands.length > 0 ? { manualCommands: restored.manualCommands } : {}),
    },
    dnsServedRegionBefore: input.baseline.some((answer) =>
      answerIncludes(answer.mapped, options.target),
    ),
    vantages: input.timelines.of(input.vantages),
    vantagesMissing: input.vantagesMissing,
    vantagesFailed: input.vantagesFailed,
    stopAlarms: preflight.stopAlarms.map((ref) => `${ref.region}/${ref.name}`),
    plan: {
      healthyNow: preflight.plan.healthyNow,
      healthyAfter: preflight.plan.healthyAfter,
      minHealthyRegions: preflight.plan.minHealthyRegions,
      matrix: preflight.plan.matrix,
    },
  };
}
