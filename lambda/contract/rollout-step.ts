/**
 * The rule behind `Custom::RolloutGuard`: a deploy moves the global phase and every data domain at
 * most one phase (up or down), unless forced, and changes at most one region (a DynamoDB
 * global-table limit that no flag can lift). A region leaves in the only order that works, one
 * step per deploy: out of DNS (its stack stays), its region stack destroyed and its replica's
 * deletion protection off (`unprotected`), then its replica removed. Pure: the guard Lambda
 * compares what CloudFormation deployed last (`OldResourceProperties`) with what this deploy asks
 * for, and `aactl rollout plan` runs the same check before anything is deployed.
 */
import {
  DATA_DOMAINS,
  phaseIndex,
  ROLLOUT_PHASES,
  type DataDomain,
  type RolloutPhase,
} from '../domain/catalog';

/** Steps of taking a region out, one per deploy (README, Removing a region). */
export const RETIRING_STEPS = ['out-of-dns', 'unprotected'] as const;
export type RetiringStep = (typeof RETIRING_STEPS)[number];

/** A region on its way out. */
export interface RetiringRegion {
  readonly region: string;
  /**
   * `out-of-dns`: out of the latency and standby sets, its stack still deployed;
   * `unprotected`: its stack destroyed, its replica's deletion protection off.
   */
  readonly step: RetiringStep;
}

/** The rollout facts the guard records in its resource properties. */
export interface RolloutState {
  /** The global phase (it decides DNS). */
  readonly phase: RolloutPhase;
  /** Every domain's resolved phase. */
  readonly domains: Readonly<Record<DataDomain, RolloutPhase>>;
  /** Every region of the global table (a retiring one included), primary first. */
  readonly regions: readonly string[];
  /** The region being taken out, if any. */
  readonly retiring?: RetiringRegion;
}

/** Where a region is in its life: absent, serving, or one of the retiring steps. */
type RegionStage = 'absent' | 'serving' | RetiringStep;

/** The stages a region passes through, in order; a deploy moves one region one stage. */
const REGION_STAGES: readonly RegionStage[] = ['serving', 'out-of-dns', 'unprotected', 'absent'];

/** One unit (the global phase or a domain) that moves. */
export interface PhaseMove {
  /** `rollout.phase` or `rollout.domains.<domain>`. */
  readonly key: string;
  readonly from: RolloutPhase;
  readonly to: RolloutPhase;
  /** Signed number of steps: positive promotes, negative demotes. */
  readonly steps: number;
}

/** The verdict on a deploy. */
export interface StepVerdict {
  /** Whether the deploy may go ahead. */
  readonly allowed: boolean;
  /** Why not, one sentence each (problem and fix). */
  readonly refusals: readonly string[];
  /** Multi-step moves let through because the deploy was forced. */
  readonly forced: readonly string[];
  /** Every unit that moves (at most one step each when allowed and not forced). */
  readonly moves: readonly PhaseMove[];
  readonly regionsAdded: readonly string[];
  readonly regionsRemoved: readonly string[];
  /** Regions that move one retiring step (out of DNS, unprotected) or back. */
  readonly regionsRetiring: ReadonlyArray<{
    readonly region: string;
    readonly from: string;
    readonly to: string;
  }>;
  /**
   * Regions whose region stack must already be destroyed for this deploy to be safe (their
   * replica loses its deletion protection); the guard Lambda checks, `aactl` only reports.
   */
  readonly regionStacksMustBeGone: readonly string[];
  /** The primary before and after, when it changes (a change of records and write policy). */
  readonly primaryChange?: { readonly from: string; readonly to: string };
}

/** The context key that forces a multi-step deploy (named in every refusal). */
export const FORCE_FLAG = '-c activeActive.rollout.allowMultiStep=true';

/** Compare the deployed state with the requested one. */
export function checkRolloutStep(
  deployed: RolloutState,
  requested: RolloutState,
  options: { readonly allowMultiStep: boolean },
): StepVerdict {
  const moves: PhaseMove[] = [
    move('rollout.phase', deployed.phase, requested.phase),
    ...DATA_DOMAINS.map((domain) =>
      move(`rollout.domains.${domain}`, deployed.domains[domain], requested.domains[domain]),
    ),
  ].filter((entry) => entry.steps !== 0);

  const refusals: string[] = [];
  const forced: string[] = [];
  for (const entry of moves.filter((candidate) => Math.abs(candidate.steps) > 1)) {
    const text = `${entry.key} would move from ${entry.from} to ${entry.to} (${Math.abs(entry.steps)} steps)`;
    if (options.allowMultiStep) {
      forced.push(`${text}, forced by rollout.allowMultiStep`);
    } else {
      refusals.push(
        `${text}; a deploy moves at most one step: deploy ${ROLLOUT_PHASES[phaseIndex(entry.from) + Math.sign(entry.steps)]} first, or force it with ${FORCE_FLAG}`,
      );
    }
  }

  const regionsAdded = requested.regions.filter((region) => !deployed.regions.includes(region));
  const regionsRemoved = deployed.regions.filter((region) => !requested.regions.includes(region));
  const changed = [...new Set([...deployed.regions, ...requested.regions])]
    .map((region) => ({
      region,
      from: stageOf(deployed, region),
      to: stageOf(requested, region),
    }))
    .filter((change) => change.from !== change.to);
  if (changed.length > 1) {
    const parts = [
      regionsAdded.length > 0 ? `adds ${regionsAdded.join(', ')}` : '',
      regionsRemoved.length > 0 ? `removes ${regionsRemoved.join(', ')}` : '',
      ...changed
        .filter((change) => change.from !== 'absent' && change.to !== 'absent')
        .map((change) => `moves ${change.region} from ${change.from} to ${change.to}`),
    ].filter((part) => part !== '');
    refusals.push(
      `this deploy ${parts.join(' and ')}, but a global table adds or removes only one replica region per deploy (allowMultiStep does not lift this DynamoDB limit): change one region per deploy`,
    );
  }
  const regionStacksMustBeGone: string[] = [];
  for (const change of changed) {
    const refusal = regionStepRefusal(change.region, change.from, change.to);
    if (refusal !== undefined) refusals.push(refusal);
    if (change.from === 'out-of-dns' && change.to === 'unprotected') {
      regionStacksMustBeGone.push(change.region);
    }
  }
  const regionsRetiring = changed.filter(
    (change) => change.from !== 'absent' && change.to !== 'absent',
  );
  const [primaryBefore] = deployed.regions;
  const [primaryAfter] = requested.regions;

  return {
    allowed: refusals.length === 0,
    refusals,
    forced,
    moves,
    regionsAdded,
    regionsRemoved,
    regionsRetiring,
    regionStacksMustBeGone,
    ...(primaryBefore !== undefined && primaryAfter !== undefined && primaryBefore !== primaryAfter
      ? { primaryChange: { from: primaryBefore, to: primaryAfter } }
      : {}),
  };
}

function stageOf(state: RolloutState, region: string): RegionStage {
  if (!state.regions.includes(region)) return 'absent';
  return state.retiring?.region === region ? state.retiring.step : 'serving';
}

/** Why one region may not move from `from` to `to` in one deploy, if it may not. */
function regionStepRefusal(region: string, from: RegionStage, to: RegionStage): string | undefined {
  if (from === 'absent') {
    return to === 'serving'
      ? undefined
      : `${region} is not deployed yet, so it cannot be retired; add it to regions first`;
  }
  const distance = REGION_STAGES.indexOf(to) - REGION_STAGES.indexOf(from);
  if (Math.abs(distance) === 1) return undefined;
  if (to === 'absent') {
    return `replica ${region} still has deletion protection, so removing it would fail and roll back; take it out in order, one deploy each: retiringRegion {region: ${region}, step: out-of-dns}, destroy its region stack, step unprotected, then remove it from regions (README, Removing a region)`;
  }
  const next = REGION_STAGES[REGION_STAGES.indexOf(from) + Math.sign(distance)];
  return `${region} would move from ${from} to ${to}; a region moves one step per deploy: deploy ${next === 'serving' ? 'it serving again' : `step ${String(next)}`} first (README, Removing a region)`;
}

/** One line for CloudFormation's status reason (refusals first). */
export function describeVerdict(verdict: StepVerdict): string {
  if (!verdict.allowed) return `rollout step refused: ${verdict.refusals.join('; ')}`;
  const moved = verdict.moves.map((entry) => `${entry.key} ${entry.from} -> ${entry.to}`);
  const regions = [
    ...verdict.regionsAdded.map((region) => `replica ${region} added`),
    ...verdict.regionsRemoved.map((region) => `replica ${region} removed`),
    ...verdict.regionsRetiring.map((change) => `${change.region} ${change.from} -> ${change.to}`),
    ...(verdict.primaryChange === undefined
      ? []
      : [`primary ${verdict.primaryChange.from} -> ${verdict.primaryChange.to}`]),
  ];
  const changes = [...moved, ...regions];
  const summary = changes.length > 0 ? changes.join(', ') : 'no rollout change';
  return verdict.forced.length > 0
    ? `rollout step allowed (forced): ${summary}; ${verdict.forced.join('; ')}`
    : `rollout step allowed: ${summary}`;
}

function move(key: string, from: RolloutPhase, to: RolloutPhase): PhaseMove {
  return { key, from, to, steps: phaseIndex(to) - phaseIndex(from) };
}
