import {
  DATA_DOMAINS,
  WRITE_CLASS_NAMES,
  WRITE_CLASS_SCOPES,
  WRITE_CLASSES,
  type DataDomain,
  type RolloutPhase,
  type WriteClass,
  checkRolloutStep,
  FORCE_FLAG,
  type RolloutState,
  type StepVerdict,
} from '../../../lambda/contract/rollout';
import { isWritableInAnyRegion } from '../../../lambda/contract/rollout';
import type { AppConfig } from '../../config/schema';
import {
  dnsRecordsOf,
  rolloutProblems,
  rolloutStateOf,
  rolloutWarnings,
  type DnsRecord,
  type RolloutSettings,
} from '../../rollout/model';

/**
 * `aactl rollout plan --to <phase>`: what a deploy to the next phase would change, computed without
 * deploying: the guard's verdict (the same check `Custom::RolloutGuard` runs), the DNS records
 * that change, the write policy per region and domain before and after, and the exact deploy
 * command. Pure; the command adds the cost estimate.
 */

/** Where the current state comes from. */
export type PlanSource = 'deployed' | 'config';

/** The current state the plan starts from. */
export interface PlanStart {
  readonly source: PlanSource;
  readonly state: RolloutState;
  readonly limitedWriteClasses: readonly WriteClass[];
}

/** What to plan. */
export interface PlanRequest {
  /** The phase to move to. */
  readonly to: RolloutPhase;
  /** Move only these domains (as overrides); the global phase when empty. */
  readonly domains: readonly DataDomain[];
  /** Plan a forced multi-step deploy. */
  readonly force: boolean;
}

/** A DNS record that changes. */
export interface DnsChange {
  readonly name: string;
  readonly type: string;
  readonly owner: string;
  readonly before: string;
  readonly after: string;
}

/** The write policy of one domain in one region, before and after. */
export interface WritePolicyChange {
  readonly region: string;
  readonly domain: DataDomain;
  readonly before: RolloutPhase;
  readonly after: RolloutPhase;
  readonly writesBefore: string;
  readonly writesAfter: string;
}

/** The plan. */
export interface RolloutPlan {
  readonly start: PlanStart;
  readonly target: { readonly state: RolloutState; readonly settings: RolloutSettings };
  readonly verdict: StepVerdict;
  /** Config problems of the target (deploy would fail at synth). */
  readonly problems: readonly string[];
  /** Soft problems of the target (e.g. a limited-write domain without listed classes). */
  readonly warnings: readonly string[];
  readonly allowed: boolean;
  /** The `-c` overrides that make the target. */
  readonly overrides: readonly string[];
  readonly deployCommand: string;
  readonly dnsChanges: readonly DnsChange[];
  /** Records that exist before and after, unchanged. */
  readonly dnsUnchanged: number;
  readonly writePolicyChanges: readonly WritePolicyChange[];
}

/** The target settings for a request, from the local config. */
export function targetSettingsOf(config: AppConfig, request: PlanRequest): RolloutSettings {
  const base = config.rollout;
  if (request.domains.length === 0) {
    return {
      phase: request.to,
      domains: base.domains,
      limitedWriteClasses: base.limitedWriteClasses,
      allowMultiStep: request.force,
    };
  }
  return {
    phase: base.phase,
    domains: {
      ...base.domains,
      ...Object.fromEntries(request.domains.map((domain) => [domain, request.to])),
    },
    limitedWriteClasses: base.limitedWriteClasses,
    allowMultiStep: request.force,
  };
}

/** Plan the change from `start` to what `request` asks of `config` (pure). */
export function planRollout(
  config: AppConfig,
  start: PlanStart,
  request: PlanRequest,
): RolloutPlan {
  const settings = targetSettingsOf(config, request);
  const targetConfig = { ...config, rollout: settings };
  const target = rolloutStateOf(targetConfig);
  const verdict = checkRolloutStep(start.state, target, { allowMultiStep: request.force });
  const problems = rolloutProblems(settings);

  const overrides =
    request.domains.length === 0
      ? [`-c activeActive.rollout.phase=${request.to}`]
      : request.domains.map((domain) => `-c activeActive.rollout.domains.${domain}=${request.to}`);
  const forced = verdict.forced.length > 0 ? [FORCE_FLAG] : [];

  const before = dnsRecordsOf(config, start.state.phase);
  const after = dnsRecordsOf(config, target.phase);
  const key = (record: DnsRecord) =>
    `${record.name} ${record.type} ${record.setIdentifier ?? ''} ${record.owner}`;
  const dnsChanges: DnsChange[] = [];
  let dnsUnchanged = 0;
  for (const record of after) {
    const previous = before.find((candidate) => key(candidate) === key(record));
    if (previous !== undefined && previous.target === record.target) {
      dnsUnchanged += 1;
      continue;
    }
    dnsChanges.push({
      name: record.name,
      type: record.type,
      owner: record.owner,
      before: previous?.target ?? '(none)',
      after: record.target,
    });
  }

  const writePolicyChanges: WritePolicyChange[] = [];
  for (const region of target.regions) {
    for (const domain of DATA_DOMAINS) {
      const beforePhase = start.state.domains[domain];
      const afterPhase = target.domains[domain];
      const writesBefore = describeWrites(
        beforePhase,
        domain,
        region,
        config.primaryRegion,
        start.limitedWriteClasses,
      );
      const writesAfter = describeWrites(
        afterPhase,
        domain,
        region,
        config.primaryRegion,
        settings.limitedWriteClasses,
      );
      if (beforePhase === afterPhase && writesBefore === writesAfter) continue;
      writePolicyChanges.push({
        region,
        domain,
        before: beforePhase,
        after: afterPhase,
        writesBefore,
        writesAfter,
      });
    }
  }

  return {
    start,
    target: { state: target, settings },
    verdict,
    problems,
    warnings: rolloutWarnings({ ...settings, allowMultiStep: false }),
    allowed: verdict.allowed && problems.length === 0,
    overrides: [...overrides, ...forced],
    deployCommand: `npx cdk deploy --all ${[...overrides, ...forced].join(' ')}`,
    dnsChanges,
    dnsUnchanged,
    writePolicyChanges,
  };
}

/**
 * What writes of `domain` do in `region` in `phase`, in words (the decision of `decideWrite` for
 * the domain's write classes, summarized).
 */
export function describeWrites(
  phase: RolloutPhase,
  domain: DataDomain,
  region: string,
  primaryRegion: string,
  limitedWriteClasses: readonly WriteClass[],
): string {
  const classes = WRITE_CLASS_NAMES.filter((name) => WRITE_CLASSES[name] === domain);
  const anywhere = classes.filter((name) =>
    isWritableInAnyRegion(phase, name, limitedWriteClasses),
  );
  // owner-only classes follow the tenant's home in every phase; the rest follow the phase
  const atHome = "local for tenants homed here, else forwarded to the tenant's home";
  const rest: Array<[WriteClass[], string]> = [
    [
      classes.filter((name) => !anywhere.includes(name) && WRITE_CLASS_SCOPES[name] === 'global'),
      phase === 'active-passive'
        ? region === primaryRegion
          ? 'local (primary: the only writer)'
          : `forwarded to the primary ${primaryRegion}`
        : atHome,
    ],
    [classes.filter((name) => WRITE_CLASS_SCOPES[name] === 'owner-only'), atHome],
  ];
  const present = rest.filter(([names]) => names.length > 0);
  if (present.length === 0) return 'all local';
  const single = present.length === 1 || present.every(([, what]) => what === present[0]?.[1]);
  const described = single
    ? [[present.flatMap(([names]) => names), present[0]?.[1] as string] as [WriteClass[], string]]
    : present;
  const parts = described.map(([names, what]) =>
    anywhere.length === 0 && described.length === 1 ? what : `${names.join(', ')}: ${what}`,
  );
  return anywhere.length === 0
    ? parts.join('; ')
    : `local: ${anywhere.join(', ')}; ${parts.join('; ')}`;
}

/** The plan's start from the local config (for `--offline`). */
export function startFromConfig(config: AppConfig): PlanStart {
  return {
    source: 'config',
    state: rolloutStateOf(config),
    limitedWriteClasses: config.rollout.limitedWriteClasses,
  };
}
