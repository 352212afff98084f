import { regionAlarmName, regionStackName } from '../../../lambda/contract/naming';
import type { AppConfig } from '../../config/schema';
import { formatDuration } from '../duration';
import { firstLineOf } from '../error-line';
import type { AlarmState } from '../gateways/alarms';
import { stackBusy } from '../gateways/stacks';
import type { HealthState } from '../health';
import { readRegionHealth, type HealthCheckIndex, type OpsGateways } from '../live';
import type { Clock } from '../progress';

/**
 * Stop conditions, checked on every poll while a drill has a region out (like AWS FIS stop
 * conditions): too few other regions healthy (Route 53 fails open), a watched alarm in ALARM, a
 * deploy of the target's stack (it would reset the health check), or no sight of the other
 * regions for too long. Any of them ends the drill and restores at once.
 */

/** A drill ended early by a stop condition. */
export class StopConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StopCondition';
  }
}

/** An alarm watched as a stop condition. */
export interface AlarmRef {
  readonly region: string;
  readonly name: string;
}

/** The default stop conditions: the app's 5xx and latency alarms in every region that stays in. */
export function defaultStopAlarms(
  config: Pick<AppConfig, 'appName' | 'regions'>,
  target: string,
): AlarmRef[] {
  return config.regions
    .filter((region) => region !== target)
    .flatMap((region) =>
      ['api-5xx', 'api-latency-p99'].map((name) => ({
        region,
        name: regionAlarmName(config.appName, region, name),
      })),
    );
}

/** Where the named alarms live: each name looked up in every region given; unknown names apart. */
export async function locateAlarms(
  gateways: Pick<OpsGateways, 'alarms'>,
  names: readonly string[],
  regions: readonly string[],
): Promise<{ found: AlarmRef[]; states: AlarmState[]; missing: string[]; errors: string[] }> {
  const found: AlarmRef[] = [];
  const states: AlarmState[] = [];
  const errors: string[] = [];
  await Promise.all(
    regions.map(async (region) => {
      try {
        for (const state of await gateways.alarms.alarmStates(region, names)) {
          found.push({ region, name: state.name });
          states.push(state);
        }
      } catch (error) {
        errors.push(`${region}: ${firstLineOf(error)}`);
      }
    }),
  );
  const missing = names.filter((name) => !found.some((ref) => ref.name === name));
  return { found, states, missing, errors };
}

/** The alarms in ALARM among `refs`, read per region. */
export async function alarmsFiring(
  gateways: Pick<OpsGateways, 'alarms'>,
  refs: readonly AlarmRef[],
): Promise<AlarmRef[]> {
  const regions = [...new Set(refs.map((ref) => ref.region))];
  const firing = await Promise.all(
    regions.map(async (region) => {
      const names = refs.filter((ref) => ref.region === region).map((ref) => ref.name);
      const states = await gateways.alarms.alarmStates(region, names);
      return states
        .filter((state) => state.state === 'ALARM')
        .map((state) => ({ region, name: state.name }));
    }),
  );
  return firing.flat();
}

/** What the stop conditions watch. */
export interface StopConditionInput {
  readonly config: Pick<AppConfig, 'appName' | 'regions' | 'drills'>;
  readonly target: string;
  readonly index: Pick<HealthCheckIndex, 'byRegion'>;
  /** Health of every region at the preflight. */
  readonly initial: ReadonlyMap<string, HealthState>;
  readonly stopAlarms: readonly AlarmRef[];
  /** How long the other regions may go unseen before the drill stops to be safe. */
  readonly blindLimitMs: number;
}

/** A check to run every poll; throws StopConditionError when the drill must end. */
export function stopConditions(
  ctx: { readonly gateways: OpsGateways; readonly clock: Clock },
  input: StopConditionInput,
): () => Promise<void> {
  const { target, config } = input;
  const known = new Map(input.initial);
  const others = config.regions.filter((region) => region !== target);
  const index = { ...input.index, duplicates: new Map<string, string[]>(), strays: [] };
  let lastSeenMs = ctx.clock.now();
  const stackName = regionStackName(config.appName, target);
  return async () => {
    const [live, firing, stack] = await Promise.all([
      readRegionHealth(ctx.gateways.route53, others, index),
      input.stopAlarms.length > 0
        ? alarmsFiring(ctx.gateways, input.stopAlarms).catch(() => [])
        : Promise.resolve([]),
      ctx.gateways.stacks.describeStack(target, stackName).catch(() => undefined),
    ]);
    const seen = live.filter((row) => row.error === undefined);
    for (const row of seen) known.set(row.region, row.reading.state);
    if (seen.length > 0 || others.length === 0) lastSeenMs = ctx.clock.now();
    const [alarm] = firing;
    if (alarm !== undefined) {
      throw new StopConditionError(
        `stop condition: alarm ${alarm.name} (${alarm.region}) is in ALARM; ${target} was put back at once, check that alarm`,
      );
    }
    if (stack !== undefined && stackBusy(stack.status)) {
      throw new StopConditionError(
        `stop condition: stack ${stackName} is ${stack.status} (a deploy resets what the drill changed); ${target} was put back at once, drill again after the deploy`,
      );
    }
    const healthy = others.filter((region) => known.get(region) === 'healthy');
    const min = config.drills.minHealthyRegions;
    if (healthy.length < min) {
      const down = others.filter((region) => known.get(region) !== 'healthy');
      throw new StopConditionError(
        `stopped early: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} not healthy, leaving ${healthy.length} healthy besides ${target} (minimum ${min}); ${target} was put back at once, check those regions`,
      );
    }
    const blindMs = ctx.clock.now() - lastSeenMs;
    if (blindMs > input.blindLimitMs) {
      const why = live.find((row) => row.error !== undefined)?.error ?? 'no answer';
      throw new StopConditionError(
        `stopped early: the health of ${others.join(', ')} could not be read for ${formatDuration(blindMs)} (${why}), so the drill cannot tell whether they still serve; ${target} is being put back`,
      );
    }
  };
}
