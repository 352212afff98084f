/**
 * The rollout model, pure and CDK-free, shared by the CDK app (`ProgressiveRollout`, the traffic
 * constructs, the region stacks) and `aactl rollout`: which phase each domain is in, what the DNS
 * looks like in a phase, the write policy of each region, and what is wrong with a rollout config.
 */
import { dnsNamesOf, originNameOf } from '../../lambda/contract/naming';
import {
  DATA_DOMAINS,
  GLOBAL_WRITE_CLASSES,
  WRITE_CLASSES,
  type DataDomain,
  type RolloutPhase,
  type WriteClass,
  buildWritePolicy,
  domainPhaseProblems,
  resolveDomainPhases,
  type WritePolicy,
  FORCE_FLAG,
  type RetiringRegion,
  type RolloutState,
} from '../../lambda/contract/rollout';
import { limitedWriteClassProblems } from '../../lambda/contract/rollout';

/** Output of the data stack holding the deployed rollout state (the guard's properties, JSON). */
export const ROLLOUT_STATE_OUTPUT = 'RolloutState';

/** Output of each region stack holding the deployed write policy (JSON). */
export const WRITE_POLICY_OUTPUT = 'WritePolicy';

/** The rollout part of config. */
export interface RolloutSettings {
  /** The global phase: DNS, and the phase of every domain without an override. */
  readonly phase: RolloutPhase;
  /** Per-domain overrides. */
  readonly domains: Partial<Record<DataDomain, RolloutPhase>>;
  /** Write classes that run in any region while their domain is in `limited-write`. */
  readonly limitedWriteClasses: readonly WriteClass[];
  /** Let this deploy move more than one phase. */
  readonly allowMultiStep: boolean;
}

/** The config the model reads (a subset of `AppConfig`). */
export interface RolloutConfig {
  readonly rollout: RolloutSettings;
  readonly primaryRegion: string;
  /**
   * The data stack's region, which never moves: tenants never assigned a home belong to it, so
   * changing the primary moves nobody's owner-only writes. @default - the primary region
   */
  readonly dataRegion?: string;
  /** Every region; the primary comes first in the rollout state whatever its position here. */
  readonly regions: readonly string[];
  /** The region being taken out, if any (still in `regions` until its last step). */
  readonly retiringRegion?: RetiringRegion;
}

/**
 * What the public name aliases: the failover pair in active-passive (the primary, and the standby
 * set when it is unhealthy), the latency set from read-local on (every healthy region).
 */
export type FrontDoor = 'failover' | 'latency';

/** The front door of a phase. */
export function frontDoorOf(phase: RolloutPhase): FrontDoor {
  return phase === 'active-passive' ? 'failover' : 'latency';
}

/** The DNS name the public name aliases in `phase`, e.g. `latency.api.example.com`. */
export function publicAliasTargetOf(publicName: string, phase: RolloutPhase): string {
  return dnsNamesOf(publicName)[frontDoorOf(phase)];
}

/** Routing policy of a record set. */
export type RoutingPolicy = 'simple' | 'latency' | 'failover';

/** One record the app maintains, as the rollout sees it. */
export interface DnsRecord {
  /** Record name without the trailing dot. */
  readonly name: string;
  readonly type: 'A' | 'TXT';
  readonly policy: RoutingPolicy;
  /** Set identifier of a latency or failover member. */
  readonly setIdentifier?: string;
  /** Alias target name, or the TXT values joined by spaces. */
  readonly target: string;
  /** Stack that owns it: a region, or `global`. */
  readonly owner: string;
  /** Health check of the member (the region whose health check it carries). */
  readonly healthCheckOf?: string;
}

/**
 * Every record of the app in `phase`. The phase changes only the public alias target and the
 * discovery TXT value; names, policies and set identifiers never change, so no record ever switches
 * routing policy in place (aws-cdk #26754, #25404).
 */
export function dnsRecordsOf(
  config: Pick<RolloutConfig, 'primaryRegion' | 'regions' | 'retiringRegion'> & {
    readonly publicName: string;
  },
  phase: RolloutPhase,
): DnsRecord[] {
  const names = dnsNamesOf(config.publicName);
  // a retiring region has left DNS (its own and origin names go with its stack)
  const regions = regionsPrimaryFirst(config).filter(
    (region) => region !== config.retiringRegion?.region,
  );
  const records: DnsRecord[] = [];
  for (const region of regions) {
    const apiTarget = `${region} API (public domain)`;
    records.push({
      name: `${region}.${config.publicName}`,
      type: 'A',
      policy: 'simple',
      target: `${region} API (regional domain)`,
      owner: region,
    });
    records.push({
      name: originNameOf(config.publicName, region),
      type: 'A',
      policy: 'simple',
      target: apiTarget,
      owner: region,
    });
    records.push({
      name: names.latency,
      type: 'A',
      policy: 'latency',
      setIdentifier: region,
      target: apiTarget,
      owner: region,
      healthCheckOf: region,
    });
    if (region !== config.primaryRegion) {
      records.push({
        name: names.standby,
        type: 'A',
        policy: 'latency',
        setIdentifier: region,
        target: apiTarget,
        owner: region,
        healthCheckOf: region,
      });
    }
  }
  records.push(
    {
      name: names.failover,
      type: 'A',
      policy: 'failover',
      setIdentifier: 'primary',
      target: originNameOf(config.publicName, config.primaryRegion),
      owner: 'global',
      healthCheckOf: config.primaryRegion,
    },
    {
      name: names.failover,
      type: 'A',
      policy: 'failover',
      setIdentifier: 'secondary',
      target: names.standby,
      owner: 'global',
    },
    {
      name: config.publicName,
      type: 'A',
      policy: 'simple',
      target: publicAliasTargetOf(config.publicName, phase),
      owner: 'global',
    },
    {
      name: `_aa.${config.publicName}`,
      type: 'TXT',
      policy: 'simple',
      target: [`phase=${phase}`, `primary=${config.primaryRegion}`, `regions=${regions.join(',')}`]
        .map((value) => `"${value}"`)
        .join(' '),
      owner: 'global',
    },
  );
  return records;
}

/** Every region, primary first, then the others in config order. */
export function regionsPrimaryFirst(config: Pick<RolloutConfig, 'primaryRegion' | 'regions'>) {
  return [config.primaryRegion, ...config.regions.filter((r) => r !== config.primaryRegion)];
}

/** The rollout state a deploy of `config` asks for (what the guard compares). */
export function rolloutStateOf(config: RolloutConfig): RolloutState {
  return {
    phase: config.rollout.phase,
    domains: resolveDomainPhases(config.rollout.phase, config.rollout.domains),
    regions: regionsPrimaryFirst(config),
    ...(config.retiringRegion === undefined ? {} : { retiring: config.retiringRegion }),
  };
}

/** The write policy of `region`. */
export function writePolicyOf(config: RolloutConfig, region: string): WritePolicy {
  return buildWritePolicy({
    region,
    primaryRegion: config.primaryRegion,
    defaultHome: config.dataRegion ?? config.primaryRegion,
    phase: config.rollout.phase,
    domains: config.rollout.domains,
    limitedWriteClasses: config.rollout.limitedWriteClasses,
  });
}

/** Hard problems: the config cannot be deployed as it is. */
export function rolloutProblems(settings: RolloutSettings): string[] {
  return [
    ...domainPhaseProblems(settings.phase, settings.domains),
    ...limitedWriteClassProblems(settings.limitedWriteClasses).map(
      (problem) => `rollout.limitedWriteClasses: ${problem}`,
    ),
  ];
}

/** Soft problems: deployable, but probably not what was meant. */
export function rolloutWarnings(settings: RolloutSettings): string[] {
  const phases = resolveDomainPhases(settings.phase, settings.domains);
  const warnings: string[] = [];
  // Only globally mergeable classes may be listed; a domain without any (the ledger) writes in
  // limited-write exactly as in read-local, which is fine and needs no warning.
  const idle = DATA_DOMAINS.filter(
    (domain) =>
      phases[domain] === 'limited-write' &&
      GLOBAL_WRITE_CLASSES.some((name) => WRITE_CLASSES[name] === domain) &&
      !settings.limitedWriteClasses.some((name) => WRITE_CLASSES[name] === domain),
  );
  if (idle.length > 0) {
    const classes = GLOBAL_WRITE_CLASSES.filter((name) => idle.includes(WRITE_CLASSES[name]));
    warnings.push(
      `${idle.length === 1 ? 'domain' : 'domains'} ${idle.join(', ')} ${idle.length === 1 ? 'is' : 'are'} in limited-write but rollout.limitedWriteClasses lists none of ${idle.length === 1 ? 'its' : 'their'} write classes (${classes.join(', ')}), so ${idle.length === 1 ? 'it writes' : 'they write'} as in read-local; list the classes that may write locally`,
    );
  }
  for (const name of settings.limitedWriteClasses) {
    const domain = WRITE_CLASSES[name];
    if (phases[domain] === 'read-local' || phases[domain] === 'active-passive') {
      warnings.push(
        `rollout.limitedWriteClasses lists ${name}, which has no effect until domain ${domain} is in limited-write (it is ${phases[domain]})`,
      );
    }
  }
  if (settings.allowMultiStep) {
    warnings.push(
      `rollout.allowMultiStep is true: this deploy may move a phase by more than one step; pass it for one deploy only (${FORCE_FLAG}), never in cdk.json`,
    );
  }
  return warnings;
}
