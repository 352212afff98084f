/**
 * The write policy of one region: the rollout phase of every data domain, as deployed, carried to
 * the API function in the environment variable `WRITE_POLICY` (JSON). The handler parses it once
 * at cold start and feeds `phaseOfOperation` plus the other fields to `decideWrite`, so a passive
 * region refuses or forwards writes exactly as the deployed phase says.
 *
 * Pure and dependency-free: the CDK app builds it (`buildWritePolicy`), the handler and `aactl`
 * parse it (`parseWritePolicy`).
 */
import {
  DATA_DOMAINS,
  isRolloutPhase,
  isWriteClass,
  phaseIndex,
  ROLLOUT_PHASES,
  WRITE_CLASS_NAMES,
  WRITE_CLASSES,
  type DataDomain,
  type Operation,
  type RolloutPhase,
  type WriteClass,
} from './catalog';
import { isPlainObject, isRegionId } from './json';
import { isOwnershipOperation } from './write-decision';

/** Name of the environment variable that carries the policy. */
export const WRITE_POLICY_ENV = 'WRITE_POLICY';

/** The current format version; a parser refuses any other. */
export const WRITE_POLICY_VERSION = 1;

/** What one region may write, per data domain (serialized as JSON). */
export interface WritePolicy {
  /** Format version, always 1. */
  readonly version: typeof WRITE_POLICY_VERSION;
  /** The region this policy was deployed to. */
  readonly region: string;
  /** The primary region: the only writer of a domain's global classes in `active-passive`. */
  readonly primaryRegion: string;
  /**
   * The home of every tenant that was never assigned one (its ownership epoch 0). Pinned apart
   * from the primary, so that changing `primaryRegion` moves no tenant's owner-only writes.
   */
  readonly defaultHome: string;
  /** The global phase: the DNS layout, and the phase of ownership operations. */
  readonly globalPhase: RolloutPhase;
  /** The phase of every data domain, resolved: its override, else the global phase. */
  readonly domains: Readonly<Record<DataDomain, RolloutPhase>>;
  /** Write classes that run in any region while their domain is in `limited-write`. */
  readonly limitedWriteClasses: readonly WriteClass[];
}

/** What `buildWritePolicy` needs: the rollout settings as config holds them. */
export interface WritePolicyInput {
  readonly region: string;
  readonly primaryRegion: string;
  /** @default - the primary region */
  readonly defaultHome?: string;
  readonly phase: RolloutPhase;
  /** Per-domain overrides; a domain without one follows `phase`. */
  readonly domains?: Partial<Record<DataDomain, RolloutPhase>>;
  readonly limitedWriteClasses?: readonly WriteClass[];
}

/** Thrown by `parseWritePolicy`: one line naming every problem. */
export class WritePolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WritePolicyError';
  }
}

/** The phase each domain is in: its override, else the global phase. */
export function resolveDomainPhases(
  phase: RolloutPhase,
  overrides: Partial<Record<DataDomain, RolloutPhase>> = {},
): Record<DataDomain, RolloutPhase> {
  return Object.fromEntries(
    DATA_DOMAINS.map((domain) => [domain, overrides[domain] ?? phase]),
  ) as Record<DataDomain, RolloutPhase>;
}

/**
 * Problems with domain phases against the global phase. The global phase decides DNS: in
 * `active-passive` only the primary is in DNS and the secondaries are standbys, so no domain may
 * be ahead of it there (it would make a standby the write owner of the tenants homed in it). From
 * `read-local` on every region serves, and a domain may be ahead of or behind the global phase.
 */
export function domainPhaseProblems(
  globalPhase: RolloutPhase,
  domains: Partial<Record<DataDomain, RolloutPhase>>,
  keys: { readonly domains: string; readonly phase: string } = CONFIG_KEYS,
): string[] {
  if (globalPhase !== 'active-passive') return [];
  return DATA_DOMAINS.flatMap((domain) => {
    const phase = domains[domain];
    if (phase === undefined || phaseIndex(phase) <= phaseIndex(globalPhase)) return [];
    return [
      `${keys.domains}.${domain} is ${phase} but ${keys.phase} is active-passive: while DNS is active-passive the secondaries are standbys and no domain may write there; promote ${keys.phase} to read-local first, or set ${keys.domains}.${domain} to active-passive`,
    ];
  });
}

/** How config names the rollout keys (the default wording of `domainPhaseProblems`). */
const CONFIG_KEYS = { domains: 'rollout.domains', phase: 'rollout.phase' } as const;

/** Build the policy of `region`. */
export function buildWritePolicy(input: WritePolicyInput): WritePolicy {
  return {
    version: WRITE_POLICY_VERSION,
    region: input.region,
    primaryRegion: input.primaryRegion,
    defaultHome: input.defaultHome ?? input.primaryRegion,
    globalPhase: input.phase,
    domains: resolveDomainPhases(input.phase, input.domains),
    limitedWriteClasses: [...(input.limitedWriteClasses ?? [])],
  };
}

/** The policy as the JSON text of `WRITE_POLICY` (keys in a fixed order, so templates are stable). */
export function serializeWritePolicy(policy: WritePolicy): string {
  return JSON.stringify({
    version: policy.version,
    region: policy.region,
    primaryRegion: policy.primaryRegion,
    // only when pinned apart from the primary, so existing templates stay as they were
    ...(policy.defaultHome === policy.primaryRegion ? {} : { defaultHome: policy.defaultHome }),
    globalPhase: policy.globalPhase,
    domains: Object.fromEntries(DATA_DOMAINS.map((domain) => [domain, policy.domains[domain]])),
    limitedWriteClasses: policy.limitedWriteClasses,
  });
}

/**
 * Parse and validate `WRITE_POLICY`. Every problem is collected into one `WritePolicyError`, e.g.
 * `invalid WRITE_POLICY: domains.carts must be one of active-passive | ...; redeploy the region stack`.
 */
export function parseWritePolicy(json: string): WritePolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw policyError([`is not JSON (${(error as Error).message})`]);
  }
  if (!isPlainObject(raw)) {
    throw policyError([`must be a JSON object, got ${describe(raw)}`]);
  }
  const value = raw;
  const problems: string[] = [];

  if (value.version !== WRITE_POLICY_VERSION) {
    problems.push(`version must be ${WRITE_POLICY_VERSION}, got ${describe(value.version)}`);
  }
  for (const key of ['region', 'primaryRegion'] as const) {
    if (!isRegionId(value[key])) {
      problems.push(`${key} must be a region name such as eu-west-1, got ${describe(value[key])}`);
    }
  }
  if (value.defaultHome !== undefined && !isRegionId(value.defaultHome)) {
    problems.push(
      `defaultHome must be a region name such as eu-west-1, got ${describe(value.defaultHome)}`,
    );
  }
  if (!isRolloutPhase(value.globalPhase)) {
    problems.push(`globalPhase must be one of ${PHASES_TEXT}, got ${describe(value.globalPhase)}`);
  }

  const domains: Partial<Record<DataDomain, RolloutPhase>> = {};
  if (!isPlainObject(value.domains)) {
    problems.push(`domains must be an object of domain to phase, got ${describe(value.domains)}`);
  } else {
    const given = value.domains;
    for (const domain of DATA_DOMAINS) {
      const phase = given[domain];
      if (isRolloutPhase(phase)) domains[domain] = phase;
      else problems.push(`domains.${domain} must be one of ${PHASES_TEXT}, got ${describe(phase)}`);
    }
    for (const key of Object.keys(given)) {
      if (!(DATA_DOMAINS as readonly string[]).includes(key)) {
        problems.push(`domains.${key} is not a data domain (${DATA_DOMAINS.join(', ')})`);
      }
    }
  }

  const classes: WriteClass[] = [];
  if (!Array.isArray(value.limitedWriteClasses)) {
    problems.push(
      `limitedWriteClasses must be a list of write classes, got ${describe(value.limitedWriteClasses)}`,
    );
  } else {
    for (const [index, name] of (value.limitedWriteClasses as unknown[]).entries()) {
      if (isWriteClass(name)) {
        classes.push(name);
      } else {
        problems.push(
          `limitedWriteClasses[${index}] must be a write class (${WRITE_CLASS_NAMES.join(', ')}), got ${describe(name)}`,
        );
      }
    }
  }

  for (const key of Object.keys(value)) {
    if (!POLICY_KEYS.includes(key)) problems.push(`${key} is not a write policy field`);
  }
  if (problems.length === 0 && isRolloutPhase(value.globalPhase)) {
    problems.push(
      ...domainPhaseProblems(value.globalPhase, domains, {
        domains: 'domains',
        phase: 'globalPhase',
      }),
    );
  }
  if (problems.length > 0) throw policyError(problems);

  return {
    version: WRITE_POLICY_VERSION,
    region: value.region as string,
    primaryRegion: value.primaryRegion as string,
    defaultHome: (value.defaultHome ?? value.primaryRegion) as string,
    globalPhase: value.globalPhase as RolloutPhase,
    domains: domains as Record<DataDomain, RolloutPhase>,
    limitedWriteClasses: classes,
  };
}

/** The data domain of a write class; ownership operations belong to none. */
function domainOfOperation(operation: Operation): DataDomain | undefined {
  return isOwnershipOperation(operation) ? undefined : WRITE_CLASSES[operation];
}

/**
 * The phase that governs `operation` here: its domain's phase, or the global phase for ownership
 * operations (they move tenants between regions, which only the DNS layout makes meaningful).
 */
export function phaseOfOperation(policy: WritePolicy, operation: Operation): RolloutPhase {
  const domain = domainOfOperation(operation);
  return domain === undefined ? policy.globalPhase : policy.domains[domain];
}

/**
 * The policy-derived part of `decideWrite`'s context for `operation`: spread it and add the
 * tenant's `home` and the `operation`.
 */
export function writeContextOf(
  policy: WritePolicy,
  operation: Operation,
): {
  readonly phase: RolloutPhase;
  readonly region: string;
  readonly primaryRegion: string;
  readonly limitedWriteClasses: readonly WriteClass[];
} {
  return {
    phase: phaseOfOperation(policy, operation),
    region: policy.region,
    primaryRegion: policy.primaryRegion,
    limitedWriteClasses: policy.limitedWriteClasses,
  };
}

const POLICY_KEYS = [
  'version',
  'region',
  'primaryRegion',
  'defaultHome',
  'globalPhase',
  'domains',
  'limitedWriteClasses',
];
const PHASES_TEXT = ROLLOUT_PHASES.join(' | ');

function policyError(problems: readonly string[]): WritePolicyError {
  return new WritePolicyError(
    `invalid ${WRITE_POLICY_ENV}: ${problems.join('; ')}; redeploy the region stack`,
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
