/**
 * The rule behind `Custom::RolloutGuard`: a deploy moves the global phase and every data domain at
 * most one phase (up or down), unless forced, and adds or removes at most one replica region
 * (a DynamoDB global-table limit that no flag can lift). Pure: the guard Lambda compares what
 * CloudFormation deployed last (`OldResourceProperties`) with what this deploy asks for, and
 * `aactl rollout plan` runs the same check before anything is deployed.
 */
import {
  DATA_DOMAINS,
  phaseIndex,
  ROLLOUT_PHASES,
  type DataDomain,
  type RolloutPhase,
} from '../domain/catalog';

/** The rollout facts the guard records in its resource properties. */
export interface RolloutState {
  /** The global phase (it decides DNS). */
  readonly phase: RolloutPhase;
  /** Every domain's resolved phase. */
  readonly domains: Readonly<Record<DataDomain, RolloutPhase>>;
  /** Every region of the global table, primary first. */
  readonly regions: readonly string[];
}

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
  if (regionsAdded.length + regionsRemoved.length > 1) {
    const parts = [
      regionsAdded.length > 0 ? `adds ${regionsAdded.join(', ')}` : '',
      regionsRemoved.length > 0 ? `removes ${regionsRemoved.join(', ')}` : '',
    ].filter((part) => part !== '');
    refusals.push(
      `this deploy ${parts.join(' and ')}, but a global table adds or removes only one replica region per deploy (allowMultiStep does not lift this DynamoDB limit): change one region per deploy`,
    );
  }

  return {
    allowed: refusals.length === 0,
    refusals,
    forced,
    moves,
    regionsAdded,
    regionsRemoved,
  };
}

/** One line for CloudFormation's status reason (refusals first). */
export function describeVerdict(verdict: StepVerdict): string {
  if (!verdict.allowed) return `rollout step refused: ${verdict.refusals.join('; ')}`;
  const moved = verdict.moves.map((entry) => `${entry.key} ${entry.from} -> ${entry.to}`);
  const regions = [
    ...verdict.regionsAdded.map((region) => `replica ${region} added`),
    ...verdict.regionsRemoved.map((region) => `replica ${region} removed`),
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
