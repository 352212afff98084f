/**
 * The properties of `Custom::RolloutGuard`, shared by the construct that writes them and the
 * Lambda that reads them back. CloudFormation hands every scalar to the Lambda as a string, so
 * booleans travel as `'true'` / `'false'`.
 */
import {
  DATA_DOMAINS,
  isRolloutPhase,
  isWriteClass,
  type DataDomain,
  type RolloutPhase,
  type WriteClass,
} from '../domain/catalog';
import { isPlainObject } from '../domain/json';
import { RETIRING_STEPS, type RetiringStep, type RolloutState } from './rollout-step';

/** CloudFormation resource type of the guard. */
export const ROLLOUT_GUARD_TYPE = 'Custom::RolloutGuard';

/** The guard's properties (without `ServiceToken`), as they appear in the template. */
export interface RolloutGuardProperties {
  readonly Phase: RolloutPhase;
  readonly Domains: Readonly<Record<DataDomain, RolloutPhase>>;
  readonly Regions: readonly string[];
  readonly LimitedWriteClasses: readonly WriteClass[];
  readonly AllowMultiStep: 'true' | 'false';
  /** The region being taken out (absent when none, so older deploys compare unchanged). */
  readonly Retiring?: { readonly Region: string; readonly Step: RetiringStep };
}

/** What the guard needs to know about the app besides the rollout state. */
export interface GuardApp {
  /** App name: region stacks are `<App>-region-<region>`. */
  readonly App: string;
  /** The global table's name (the guard checks it does not exist when the stack is created). */
  readonly TableName: string;
}

/** The guard's view of a deploy: the rollout state and whether it is forced. */
export interface GuardRequest {
  readonly state: RolloutState;
  readonly allowMultiStep: boolean;
  /** Recorded for operators; the step check does not read it. */
  readonly limitedWriteClasses: readonly WriteClass[];
  /** The app, when the properties carry it (templates before region retirement did not). */
  readonly app?: { readonly name: string; readonly tableName: string };
}

/** Build the properties for a state (keys in a fixed order, so templates are stable). */
export function guardPropertiesOf(
  state: RolloutState,
  options: {
    readonly allowMultiStep: boolean;
    readonly limitedWriteClasses: readonly WriteClass[];
  },
): RolloutGuardProperties {
  return {
    Phase: state.phase,
    Domains: Object.fromEntries(
      DATA_DOMAINS.map((domain) => [domain, state.domains[domain]]),
    ) as Record<DataDomain, RolloutPhase>,
    Regions: [...state.regions],
    LimitedWriteClasses: [...options.limitedWriteClasses],
    AllowMultiStep: options.allowMultiStep ? 'true' : 'false',
    ...(state.retiring === undefined
      ? {}
      : { Retiring: { Region: state.retiring.region, Step: state.retiring.step } }),
  };
}

/** Read properties sent by CloudFormation; throws one error naming every problem. */
export function parseGuardProperties(raw: unknown, what = 'ResourceProperties'): GuardRequest {
  const problems: string[] = [];
  const value = isPlainObject(raw) ? raw : {};
  if (value !== raw) problems.push(`${what} must be an object`);

  const phase = value.Phase;
  if (!isRolloutPhase(phase)) {
    problems.push(`${what}.Phase must be a rollout phase, got ${show(phase)}`);
  }

  const domains: Partial<Record<DataDomain, RolloutPhase>> = {};
  const givenDomains = isPlainObject(value.Domains) ? value.Domains : {};
  for (const domain of DATA_DOMAINS) {
    const domainPhase = givenDomains[domain];
    if (isRolloutPhase(domainPhase)) domains[domain] = domainPhase;
    else
      problems.push(`${what}.Domains.${domain} must be a rollout phase, got ${show(domainPhase)}`);
  }

  const regions = value.Regions;
  const regionList =
    Array.isArray(regions) && regions.every((region) => typeof region === 'string')
      ? (regions as string[])
      : undefined;
  if (regionList === undefined || regionList.length === 0) {
    problems.push(`${what}.Regions must be a non-empty list of regions, got ${show(regions)}`);
  }

  const force = value.AllowMultiStep;
  if (force !== undefined && force !== 'true' && force !== 'false' && typeof force !== 'boolean') {
    problems.push(`${what}.AllowMultiStep must be 'true' or 'false', got ${show(force)}`);
  }

  const classes = value.LimitedWriteClasses ?? [];
  if (!Array.isArray(classes) || !classes.every(isWriteClass)) {
    problems.push(
      `${what}.LimitedWriteClasses must be a list of write classes, got ${show(classes)}`,
    );
  }

  const retiring = value.Retiring;
  let retiringRegion: RolloutState['retiring'];
  if (retiring !== undefined) {
    const region = isPlainObject(retiring) ? retiring.Region : undefined;
    const step = isPlainObject(retiring) ? retiring.Step : undefined;
    if (
      typeof region !== 'string' ||
      !(RETIRING_STEPS as readonly unknown[]).includes(step) ||
      !(regionList ?? []).includes(region)
    ) {
      problems.push(
        `${what}.Retiring must be {Region: one of Regions, Step: ${RETIRING_STEPS.join(' | ')}}, got ${show(retiring)}`,
      );
    } else {
      retiringRegion = { region, step: step as RetiringStep };
    }
  }

  if (problems.length > 0) throw new Error(problems.join('; '));
  const app =
    typeof value.App === 'string' && typeof value.TableName === 'string'
      ? { name: value.App, tableName: value.TableName }
      : undefined;
  return {
    state: {
      phase: phase as RolloutPhase,
      domains: domains as Record<DataDomain, RolloutPhase>,
      regions: regionList ?? [],
      ...(retiringRegion === undefined ? {} : { retiring: retiringRegion }),
    },
    allowMultiStep: force === 'true' || force === true,
    limitedWriteClasses: classes as WriteClass[],
    ...(app === undefined ? {} : { app }),
  };
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
