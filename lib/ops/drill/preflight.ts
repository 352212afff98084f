import { regionStackName } from '../../../lambda/contract/naming';
import type { RolloutPhase } from '../../../lambda/contract/rollout';
import { firstLineOf } from '../error-line';
import type { TaggedHealthCheck } from '../gateways/route53';
import type { StackState } from '../gateways/stacks';
import {
  findHealthChecks,
  findLocks,
  readDeployedPhase,
  readRegionHealth,
  type LockFinding,
  type RegionHealthLive,
} from '../live';
import type { DrillContext } from './context';
import { lockObserver } from './lock';
import type { DrillMethod } from './method';
import { planDrill, type DrillPlan } from './planner';
import { defaultStopAlarms, locateAlarms, type AlarmRef } from './stop-conditions';

/**
 * A drill's preflight: live health of every region, the deployed phase, the target's stack, locks
 * and stop-condition alarms, judged by the planner. Reads only; the dry run is this alone.
 */

/** Everything the preflight learnt. */
export interface DrillPreflight {
  readonly plan: DrillPlan;
  readonly live: readonly RegionHealthLive[];
  /** The target's health check, when found. */
  readonly targetCheck: TaggedHealthCheck | undefined;
  /** Every health check of the app, by region. */
  readonly checks: ReadonlyMap<string, TaggedHealthCheck>;
  /** Drill locks found on any of the app's health checks. */
  readonly locks: readonly LockFinding[];
  /** Problems found besides the plan's refusals (e.g. duplicate health checks). */
  readonly warnings: readonly string[];
  /** The phase that runs: deployed when readable, else cdk.json. */
  readonly phase: RolloutPhase;
  /** The target's region stack, when read. */
  readonly targetStack: StackState | undefined;
  /** Alarms the drill watches as stop conditions. */
  readonly stopAlarms: readonly AlarmRef[];
}

/** Stop conditions asked for: alarm names, or the defaults (`undefined`), or none (`[]`). */
export interface PreflightOptions {
  readonly stopOnAlarms?: readonly string[];
}

/** Read live status and plan the drill (no changes). */
export async function preflightDrill(
  ctx: DrillContext,
  target: string,
  method: DrillMethod,
  options: PreflightOptions = {},
): Promise<DrillPreflight> {
  const { config, gateways } = ctx;
  const index = await findHealthChecks(gateways.route53, config);
  const explicit = options.stopOnAlarms;
  const alarmNames = explicit ?? defaultStopAlarms(config, target).map((ref) => ref.name);
  const [live, deployed, targetStack, located] = await Promise.all([
    readRegionHealth(gateways.route53, config.regions, index),
    readDeployedPhase(gateways, config),
    gateways.stacks
      .describeStack(target, regionStackName(config.appName, target))
      .then((stack) => ({ stack }))
      .catch((error: unknown) => ({ error: firstLineOf(error) })),
    locateAlarms(gateways, alarmNames, config.regions),
  ]);
  const warnings: string[] = [];
  const phase = 'phase' in deployed ? deployed.phase : config.rollout.phase;
  if ('phase' in deployed && deployed.phase !== config.rollout.phase) {
    warnings.push(
      `the deployed phase is ${deployed.phase}, cdk.json says ${config.rollout.phase}: the plan predicts DNS for ${deployed.phase}`,
    );
  } else if ('error' in deployed) {
    warnings.push(
      `deployed phase unknown (${deployed.error}); the plan assumes ${phase} from cdk.json`,
    );
  }
  if ('error' in targetStack) {
    warnings.push(
      `cannot read the stack of ${target} (${targetStack.error}), so a running deploy cannot be ruled out`,
    );
  }
  const stopAlarms =
    explicit === undefined
      ? located.found
      : located.found.filter((ref) => explicit.includes(ref.name));
  if (explicit === undefined && located.missing.length > 0) {
    warnings.push(
      `default stop-condition alarm${located.missing.length === 1 ? '' : 's'} not found: ${located.missing.join(', ')}; the drill runs without ${located.missing.length === 1 ? 'it' : 'them'}`,
    );
  }
  for (const error of located.errors) warnings.push(`cannot read alarms in ${error}`);
  const stack = 'stack' in targetStack ? targetStack.stack : undefined;
  const plan = planDrill({
    regions: live.map((row) => ({
      region: row.region,
      healthCheckId: row.healthCheck?.id,
      reading: row.reading,
      inverted: row.healthCheck?.inverted ?? false,
      disabled: row.healthCheck?.disabled ?? false,
    })),
    target,
    method,
    minHealthyRegions: config.drills.minHealthyRegions,
    phase,
    primaryRegion: config.primaryRegion,
    ...(stack !== undefined ? { targetStackStatus: stack.status } : {}),
    stopAlarmsFiring: located.states
      .filter(
        (state) => state.state === 'ALARM' && stopAlarms.some((ref) => ref.name === state.name),
      )
      .map((state) => state.name),
    stopAlarmsMissing: explicit === undefined ? [] : located.missing,
  });
  for (const [region, ids] of index.duplicates) {
    warnings.push(
      `${region} has more than one health check tagged ${config.appName} (extra: ${ids.join(', ')}); using ${index.byRegion.get(region)?.id}`,
    );
  }
  for (const row of live) {
    if (row.error !== undefined) warnings.push(`cannot read health of ${row.region}: ${row.error}`);
  }
  return {
    plan,
    live,
    targetCheck: index.byRegion.get(target),
    checks: index.byRegion,
    locks: findLocks(index, lockObserver(ctx)),
    warnings,
    phase,
    targetStack: stack,
    stopAlarms,
  };
}
