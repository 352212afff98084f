import type { RolloutPhase } from '../../../lambda/contract/rollout';
import type { HealthReading, HealthState } from '../health';
import type { DrillMethod } from './method';

/**
 * The drill planner: from live health of every region, decide whether taking one region out is
 * safe, and predict the health matrix and DNS routing before and after. Pure: no AWS, no clock.
 *
 * Route 53 fails open: when every record of a set is unhealthy it answers with all of them, so a
 * drill that leaves no healthy region sends users to the region being failed. The planner refuses
 * any drill that would leave fewer than `minHealthyRegions` healthy regions; regions whose health
 * is unknown do not count as healthy.
 */

/** Live facts about one region, as read from Route 53. */
export interface RegionHealthInput {
  /** AWS region. */
  readonly region: string;
  /** Its health check, if one was found. */
  readonly healthCheckId: string | undefined;
  /** Its health as Route 53 acts on it. */
  readonly reading: HealthReading;
  /** Whether the health check is inverted. */
  readonly inverted: boolean;
  /** Whether the health check is disabled. */
  readonly disabled: boolean;
}

/** Everything the planner needs. */
export interface PlanInput {
  /** Every configured region, in config order. */
  readonly regions: readonly RegionHealthInput[];
  /** The region to take out. */
  readonly target: string;
  /** How to take it out. */
  readonly method: DrillMethod;
  /** Fewest regions that must stay healthy (config `drills.minHealthyRegions`). */
  readonly minHealthyRegions: number;
  /** Rollout phase: decides whether DNS is failover (active-passive) or latency routing. */
  readonly phase: RolloutPhase;
  /** The primary region (the failover PRIMARY in active-passive). */
  readonly primaryRegion: string;
  /**
   * Status of the target's region stack; `*_IN_PROGRESS` refuses (a deploy resets the health
   * check's `Inverted`).
   * @default - not known (not checked)
   */
  readonly targetStackStatus?: string;
  /** Stop-condition alarms in ALARM now (`name (region)`): the drill would stop at once. */
  readonly stopAlarmsFiring?: readonly string[];
  /** Stop-condition alarms asked for by name and found in no region. */
  readonly stopAlarmsMissing?: readonly string[];
}

/** Why a plan is refused. */
export type RefusalCode =
  | 'min-healthy'
  | 'target-not-healthy'
  | 'no-health-check'
  | 'unknown-region'
  | 'drain-disabled-check'
  | 'stack-updating'
  | 'stop-alarm-firing'
  | 'stop-alarm-missing';

/** One reason to refuse, told as a line with the fix. */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
}

/** One row of the health matrix: a region now and after the drill's action. */
export interface MatrixRow {
  readonly region: string;
  readonly healthCheckId: string | undefined;
  /** Whether this is the drill's target. */
  readonly target: boolean;
  readonly now: HealthState;
  readonly after: HealthState;
  /** Whether DNS can answer with this region now (prediction from health and phase). */
  readonly servesNow: boolean;
  /** Whether DNS can answer with this region after the action. */
  readonly servesAfter: boolean;
}

/** The planner's verdict and prediction. */
export interface DrillPlan {
  readonly target: string;
  readonly method: DrillMethod;
  /** True when there is no refusal. */
  readonly allowed: boolean;
  readonly refusals: readonly Refusal[];
  /** Things worth knowing that do not block the drill. */
  readonly warnings: readonly string[];
  readonly matrix: readonly MatrixRow[];
  /** Regions healthy now. */
  readonly healthyNow: number;
  /** Regions that would stay healthy after the action. */
  readonly healthyAfter: number;
  readonly minHealthyRegions: number;
  /** Whether, after the action, DNS would fail open (no healthy region left). */
  readonly failsOpenAfter: boolean;
}

/** Decide whether a drill may run, and predict the health matrix. */
export function planDrill(input: PlanInput): DrillPlan {
  const { target, method, minHealthyRegions } = input;
  const targetRow = input.regions.find((row) => row.region === target);
  const refusals: Refusal[] = [];
  const warnings: string[] = [];

  const nowStates = new Map(input.regions.map((row) => [row.region, row.reading.state]));
  const afterStates = new Map(nowStates);
  if (targetRow !== undefined) afterStates.set(target, 'unhealthy');

  const healthyNow = countHealthy(nowStates);
  const healthyAfter = countHealthy(afterStates);

  if (targetRow === undefined) {
    refusals.push({
      code: 'unknown-region',
      message: `${target} is not one of the configured regions (${input.regions.map((row) => row.region).join(', ')}); pick one of them`,
    });
  } else if (targetRow.healthCheckId === undefined) {
    refusals.push({
      code: 'no-health-check',
      message: `no health check found for ${target}; deploy its region stack, then run aactl status`,
    });
  } else if (targetRow.reading.state !== 'healthy') {
    refusals.push({
      code: 'target-not-healthy',
      message: `${target} is ${targetRow.reading.state} already, so a drill would measure nothing (and inverting a failing check would put it back in DNS); fix the region or drill another one`,
    });
  }
  if (targetRow !== undefined && method === 'drain' && targetRow.disabled) {
    refusals.push({
      code: 'drain-disabled-check',
      message: `the health check of ${target} is disabled, so Route 53 ignores /health and a drain changes nothing; use --method invert`,
    });
  }
  if (input.targetStackStatus?.endsWith('_IN_PROGRESS') === true) {
    refusals.push({
      code: 'stack-updating',
      message: `the stack of ${target} is ${input.targetStackStatus}: a deploy resets the health check (Inverted) while it runs; wait for it to finish, then drill`,
    });
  }
  if ((input.stopAlarmsFiring ?? []).length > 0) {
    refusals.push({
      code: 'stop-alarm-firing',
      message: `stop-condition alarm${(input.stopAlarmsFiring ?? []).length === 1 ? '' : 's'} ${(input.stopAlarmsFiring ?? []).join(', ')} in ALARM already; fix what it reports first, or pick other --stop-on-alarm`,
    });
  }
  if ((input.stopAlarmsMissing ?? []).length > 0) {
    refusals.push({
      code: 'stop-alarm-missing',
      message: `--stop-on-alarm ${(input.stopAlarmsMissing ?? []).join(', ')} not found in any configured region; check the alarm name (aws cloudwatch describe-alarms)`,
    });
  }
  if (healthyAfter < minHealthyRegions) {
    const left = input.regions
      .filter((row) => row.region !== target && row.reading.state === 'healthy')
      .map((row) => row.region);
    refusals.push({
      code: 'min-healthy',
      message: `taking ${target} out would leave ${healthyAfter} healthy region${healthyAfter === 1 ? '' : 's'} (${left.join(', ') || 'none'}), fewer than drills.minHealthyRegions=${minHealthyRegions}, and Route 53 fails open; restore the unhealthy regions first`,
    });
  }

  for (const row of input.regions) {
    if (row.reading.state === 'unknown' && row.region !== target) {
      warnings.push(`${row.region} has no health-checker reports yet; it counts as unhealthy`);
    }
  }
  if (targetRow?.inverted === true) {
    warnings.push(
      `the health check of ${target} is inverted already (left over from an earlier drill?); the drill flips it and restores it to inverted`,
    );
  }
  if (input.phase === 'active-passive' && target !== input.primaryRegion) {
    warnings.push(
      `in phase active-passive ${target} is a standby: DNS answers with ${input.primaryRegion} before and after, so DNS convergence will be immediate`,
    );
  }

  const regions = input.regions.map((row) => row.region);
  const servingNow = servingRegions(nowStates, regions, input.phase, input.primaryRegion);
  const servingAfter = servingRegions(afterStates, regions, input.phase, input.primaryRegion);
  const matrix = input.regions.map((row): MatrixRow => ({
    region: row.region,
    healthCheckId: row.healthCheckId,
    target: row.region === target,
    now: nowStates.get(row.region) ?? 'unknown',
    after: afterStates.get(row.region) ?? 'unknown',
    servesNow: servingNow.includes(row.region),
    servesAfter: servingAfter.includes(row.region),
  }));

  return {
    target,
    method,
    allowed: refusals.length === 0,
    refusals,
    warnings,
    matrix,
    healthyNow,
    healthyAfter,
    minHealthyRegions,
    failsOpenAfter: healthyAfter === 0,
  };
}

/**
 * Regions DNS can answer with, given each region's health and the rollout phase.
 * Latency routing answers with healthy regions, or with all of them when none is healthy (fail
 * open). Failover routing (active-passive) answers with the primary while it is healthy, else with
 * the healthy standbys, else with the primary.
 */
export function servingRegions(
  states: ReadonlyMap<string, HealthState>,
  regions: readonly string[],
  phase: RolloutPhase,
  primaryRegion: string,
): string[] {
  const healthy = regions.filter((region) => states.get(region) === 'healthy');
  if (phase === 'active-passive') {
    if (healthy.includes(primaryRegion)) return [primaryRegion];
    const standbys = healthy.filter((region) => region !== primaryRegion);
    return standbys.length > 0 ? standbys : [primaryRegion];
  }
  return healthy.length > 0 ? healthy : [...regions];
}

function countHealthy(states: ReadonlyMap<string, HealthState>): number {
  return [...states.values()].filter((state) => state === 'healthy').length;
}
