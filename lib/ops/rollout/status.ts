import { GLOBAL_STACK_REGION } from '../../../lambda/contract/naming';
import type {
  WritePolicy,
  DataDomain,
  RolloutPhase,
  StepVerdict,
} from '../../../lambda/contract/rollout';
import {
  DATA_DOMAINS,
  phaseIndex,
  ROLLOUT_PHASES,
  checkRolloutStep,
} from '../../../lambda/contract/rollout';
import type { AppConfig } from '../../config/schema';
import { regionsPrimaryFirst, rolloutStateOf } from '../../rollout/model';
import { firstLineOf } from '../error-line';
import { driftOf, readDeployedRollout, type DeployedRollout } from './deployed';
import {
  alarmGate,
  describeBlocker,
  evaluateRegionGates,
  gateAllows,
  planGateMetrics,
  type AlarmReading,
  type GateEvidence,
  type GateResult,
  type GateThresholds,
} from './gates';
import type { RolloutGateway } from './gateway';

/**
 * `aactl rollout status`: the deployed phase per region and domain, and the gates of the next step.
 * `gatherRolloutStatus` reads AWS through the gateway; `buildRolloutStatus` is pure.
 */

/** How the status is judged. */
export interface RolloutStatusOptions {
  /** How far back the gates look, ms (rounded to whole minutes, at least one). */
  readonly windowMs: number;
  readonly thresholds: GateThresholds;
  /** Let gates without data pass (they still say `no-data`). */
  readonly allowMissingData: boolean;
  readonly now: Date;
}

/** One domain in one region. */
export interface DomainRow {
  readonly domain: DataDomain;
  /** Phase the region's API runs (its deployed write policy); null when unreadable. */
  readonly phase: RolloutPhase | null;
  /** The next phase up, or null at active-active. */
  readonly next: RolloutPhase | null;
  readonly conflicts: GateResult;
}

/** One region. */
export interface RegionRow {
  readonly region: string;
  readonly primary: boolean;
  /** Why the deployed write policy could not be read, if it could not. */
  readonly policyError?: string;
  readonly globalPhase: RolloutPhase | null;
  readonly lag: GateResult;
  readonly divergence: GateResult;
  readonly alarms: GateResult;
  readonly domains: readonly DomainRow[];
}

/** Whether a unit (the global phase or a domain) may take its next step now. */
export interface Promotion {
  /** `global` or a data domain. */
  readonly unit: 'global' | DataDomain;
  readonly from: RolloutPhase;
  readonly to: RolloutPhase | null;
  readonly ready: boolean;
  /** Why not (one line each); gates without data are listed even when allowed, marked so. */
  readonly blockers: readonly string[];
}

/** The report (`--json` prints exactly this). */
export interface RolloutStatusReport {
  readonly appName: string;
  readonly generatedAt: string;
  readonly window: { readonly start: string; readonly end: string; readonly minutes: number };
  readonly thresholds: GateThresholds;
  readonly allowMissingData: boolean;
  /** What the data stack recorded, or why it could not be read. */
  readonly deployed:
    | {
        readonly phase: RolloutPhase;
        readonly domains: Readonly<Record<DataDomain, RolloutPhase>>;
        readonly regions: readonly string[];
        readonly limitedWriteClasses: readonly string[];
      }
    | { readonly error: string };
  /** What the local config would deploy, and the guard's verdict on it. */
  readonly pending: {
    readonly phase: RolloutPhase;
    readonly domains: Readonly<Record<DataDomain, RolloutPhase>>;
    readonly regions: readonly string[];
    readonly verdict: StepVerdict | null;
  };
  /** Regions whose deployed policy disagrees with the data stack (a deploy that stopped half-way). */
  readonly drift: readonly string[];
  readonly regions: readonly RegionRow[];
  /** Alarms in the global stack's region when it is not an app region. */
  readonly globalAlarms: GateResult | null;
  readonly promotions: readonly Promotion[];
}

/** Read everything and build the report. */
export async function gatherRolloutStatus(
  deps: { readonly config: AppConfig; readonly gateway: RolloutGateway },
  options: RolloutStatusOptions,
): Promise<RolloutStatusReport> {
  const { config, gateway } = deps;
  const regions = regionsPrimaryFirst(config);
  const window = windowOf(options);
  const planned = planGateMetrics({
    appName: config.appName,
    tableName: config.tableName,
    regions,
  });
  const values = new Map<string, number[]>();
  const metricErrors = new Map<string, string>();
  const cloudwatchRegions = [...new Set(planned.map((entry) => entry.cloudwatchRegion))];
  const alarmRegions = [...new Set([...regions, GLOBAL_STACK_REGION])];

  const [deployed] = await Promise.all([
    readDeployedRollout(gateway, config),
    ...cloudwatchRegions.map(async (region) => {
      try {
        const requests = planned
          .filter((entry) => entry.cloudwatchRegion === region)
          .map((entry) => entry.request);
        const read = await gateway.metricValues(region, requests, {
          start: new Date(window.start),
          end: new Date(window.end),
          periodSeconds: window.minutes * 60,
        });
        for (const [id, points] of read) values.set(id, points);
      } catch (error) {
        metricErrors.set(region, firstLineOf(error));
      }
    }),
  ]);
  const alarms = new Map<string, AlarmReading>(
    await Promise.all(
      alarmRegions.map(async (region): Promise<[string, AlarmReading]> => {
        try {
          return [region, await gateway.alarmsInAlarm(region, `${config.appName}-`)];
        } catch (error) {
          return [region, { error: firstLineOf(error) }];
        }
      }),
    ),
  );
  return buildRolloutStatus({
    config,
    deployed,
    evidence: { planned, values, metricErrors, windowMinutes: window.minutes },
    alarms,
    options,
  });
}

/** The window: whole minutes ending at the last full minute. */
export function windowOf(options: Pick<RolloutStatusOptions, 'windowMs' | 'now'>) {
  const minutes = Math.max(1, Math.round(options.windowMs / 60_000));
  const end = Math.floor(options.now.getTime() / 60_000) * 60_000;
  return { start: end - minutes * 60_000, end, minutes };
}

/** Build the report from what was read (pure). */
export function buildRolloutStatus(input: {
  readonly config: AppConfig;
  readonly deployed: DeployedRollout;
  readonly evidence: GateEvidence;
  readonly alarms: ReadonlyMap<string, AlarmReading>;
  readonly options: RolloutStatusOptions;
}): RolloutStatusReport {
  const { config, deployed, evidence, alarms, options } = input;
  const regions = regionsPrimaryFirst(config);
  const window = windowOf(options);
  const data = 'state' in deployed.data ? deployed.data : undefined;
  const pendingState = rolloutStateOf(config);
  const drift = driftOf(deployed);

  const rows: RegionRow[] = regions.map((region) => {
    const gates = evaluateRegionGates(
      region,
      evidence,
      alarms.get(region) ?? { error: 'not read' },
      options.thresholds,
    );
    const entry = deployed.regions.find((candidate) => candidate.region === region);
    const policy: WritePolicy | undefined =
      entry !== undefined && 'policy' in entry ? entry.policy : undefined;
    return {
      region,
      primary: region === config.primaryRegion,
      ...(entry !== undefined && 'missing' in entry ? { policyError: entry.missing } : {}),
      ...(entry === undefined ? { policyError: 'not read' } : {}),
      globalPhase: policy?.globalPhase ?? null,
      lag: gates.lag,
      divergence: gates.divergence,
      alarms: gates.alarms,
      domains: DATA_DOMAINS.map((domain) => {
        const phase = policy?.domains[domain] ?? null;
        return {
          domain,
          phase,
          next: phase === null ? null : nextPhase(phase),
          conflicts: gates.conflicts[domain],
        };
      }),
    };
  });
  const globalAlarms = regions.includes(GLOBAL_STACK_REGION)
    ? null
    : alarmGate(alarms.get(GLOBAL_STACK_REGION) ?? { error: 'not read' });

  const promotions: Promotion[] = [];
  if (data !== undefined) {
    const { state } = data;
    const common = commonBlockers(rows, globalAlarms, drift, options.allowMissingData);
    const conflictBlockers = (domains: readonly DataDomain[]) =>
      rows.flatMap((row) =>
        row.domains
          .filter((entry) => domains.includes(entry.domain))
          .flatMap((entry) => blockerOf(`${row.region} ${entry.domain}`, entry.conflicts, options)),
      );
    const following = DATA_DOMAINS.filter((domain) => state.domains[domain] === state.phase);
    promotions.push(
      promotion('global', state.phase, [...common, ...conflictBlockers(following)]),
      ...DATA_DOMAINS.map((domain) => {
        const extra =
          state.phase === 'active-passive'
            ? [
                'the global phase is active-passive: the secondaries are standbys, so promote the global phase to read-local first',
              ]
            : [];
        return promotion(domain, state.domains[domain], [
          ...extra,
          ...common,
          ...conflictBlockers([domain]),
        ]);
      }),
    );
  }

  return {
    appName: config.appName,
    generatedAt: options.now.toISOString(),
    window: {
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
      minutes: window.minutes,
    },
    thresholds: options.thresholds,
    allowMissingData: options.allowMissingData,
    deployed:
      data !== undefined
        ? {
            phase: data.state.phase,
            domains: data.state.domains,
            regions: data.state.regions,
            limitedWriteClasses: data.limitedWriteClasses,
          }
        : { error: (deployed.data as { missing: string }).missing },
    pending: {
      phase: pendingState.phase,
      domains: pendingState.domains,
      regions: pendingState.regions,
      verdict:
        data !== undefined
          ? checkRolloutStep(data.state, pendingState, {
              allowMultiStep: config.rollout.allowMultiStep,
            })
          : null,
    },
    drift,
    regions: rows,
    globalAlarms,
    promotions,
  };
}

/**
 * Whether the deploy the local config asks for may go ahead now: the guard would accept it, and
 * every unit it promotes is ready. `undefined` when nothing is pending.
 */
export function pendingReadiness(
  report: RolloutStatusReport,
): { readonly refused: boolean; readonly blockers: readonly string[] } | undefined {
  const verdict = report.pending.verdict;
  if (verdict === null) {
    return { refused: true, blockers: ['the deployed rollout state could not be read'] };
  }
  if (!verdict.allowed) return { refused: true, blockers: verdict.refusals };
  const promoting = verdict.moves.filter((move) => move.steps > 0);
  if (promoting.length === 0) return undefined;
  const globalMove = promoting.find((move) => move.key === 'rollout.phase');
  // A domain that follows the global phase moves with it: the global promotion holds its gates
  // (conflicts of every following domain included), and the domain's own promotion would wrongly
  // ask for the global phase to move first (it does, in this very deploy).
  const judged = promoting.filter(
    (move) =>
      move === globalMove ||
      globalMove === undefined ||
      move.from !== globalMove.from ||
      move.to !== globalMove.to,
  );
  const blockers = judged.flatMap((move) => {
    const unit = move.key === 'rollout.phase' ? 'global' : move.key.replace('rollout.domains.', '');
    const found = report.promotions.find((entry) => entry.unit === unit);
    if (found === undefined || found.ready) return [];
    return found.blockers.map((blocker) => `${move.key} ${move.from} -> ${move.to}: ${blocker}`);
  });
  return { refused: false, blockers };
}

/** The phase one step up from `phase`, or null at active-active. */
export function nextPhase(phase: RolloutPhase): RolloutPhase | null {
  return ROLLOUT_PHASES[phaseIndex(phase) + 1] ?? null;
}

function promotion(
  unit: 'global' | DataDomain,
  from: RolloutPhase,
  blockers: ReadonlyArray<string | { readonly text: string; readonly blocks: boolean }>,
): Promotion {
  const to = nextPhase(from);
  if (to === null) return { unit, from, to, ready: false, blockers: ['already active-active'] };
  const normalized = blockers.map((entry) =>
    typeof entry === 'string' ? { text: entry, blocks: true } : entry,
  );
  return {
    unit,
    from,
    to,
    ready: normalized.every((entry) => !entry.blocks),
    blockers: normalized.map((entry) =>
      entry.blocks ? entry.text : `${entry.text} [allowed: --allow-missing-data]`,
    ),
  };
}

function blockerOf(
  where: string,
  result: GateResult,
  options: Pick<RolloutStatusOptions, 'allowMissingData'>,
): { text: string; blocks: boolean }[] {
  if (result.status === 'pass') return [];
  return [
    {
      text: describeBlocker(where, result),
      blocks: !gateAllows(result, options.allowMissingData),
    },
  ];
}

function commonBlockers(
  rows: readonly RegionRow[],
  globalAlarms: GateResult | null,
  drift: readonly string[],
  allowMissingData: boolean,
): { text: string; blocks: boolean }[] {
  const options = { allowMissingData };
  return [
    ...drift.map((text) => ({
      text: `deploy incomplete: ${text}; finish the deploy (cdk deploy --all) first`,
      blocks: true,
    })),
    ...rows.flatMap((row) => [
      ...blockerOf(row.region, row.lag, options),
      ...blockerOf(row.region, row.divergence, options),
      ...blockerOf(row.region, row.alarms, options),
    ]),
    ...(globalAlarms === null ? [] : blockerOf(GLOBAL_STACK_REGION, globalAlarms, options)),
  ];
}
