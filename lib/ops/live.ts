import { TAG_DRILL_LOCK, TAG_REGION } from '../../lambda/contract/naming';
import type { RolloutPhase } from '../../lambda/contract/rollout';
import type { AppConfig } from '../config/schema';
import { regionalNameOf } from '../config/schema';
import { regionsInAnswer, type AnswerRegions, type RegionFingerprints } from './dns-answer';
import { assessLock, parseLock, type DrillLock, type LockObserver } from './drill/lock-tag';
import { firstLineOf } from './error-line';
import type { OpsGateways } from './gateways/ops-gateways';
import type { Route53Gateway, TaggedHealthCheck } from './gateways/route53';
import { readHealth, type CheckerObservation, type HealthReading } from './health';
import { readDeployedData } from './rollout/deployed';
import type { VantagePoint } from './vantage-points';

/**
 * Reading the live state of the app from AWS: which health check belongs to which region, what
 * Route 53 thinks of each, which drill locks exist, and what DNS answers from each vantage point.
 * Thin orchestration over the gateways; all judgement lives in the pure modules it calls.
 */

export type { OpsGateways };

/** The app's health checks, by region. */
export interface HealthCheckIndex {
  /** The health check of each configured region that has one. */
  readonly byRegion: ReadonlyMap<string, TaggedHealthCheck>;
  /** Regions with more than one tagged health check (the first one is used). */
  readonly duplicates: ReadonlyMap<string, string[]>;
  /** Health checks of the app tagged with a region that is not configured. */
  readonly strays: readonly TaggedHealthCheck[];
}

/** Find the app's health checks by their `aa:app` and `aa:region` tags. */
export async function findHealthChecks(
  route53: Route53Gateway,
  config: Pick<AppConfig, 'appName' | 'regions'>,
): Promise<HealthCheckIndex> {
  const checks = await route53.listAppHealthChecks(config.appName);
  const byRegion = new Map<string, TaggedHealthCheck>();
  const duplicates = new Map<string, string[]>();
  const strays: TaggedHealthCheck[] = [];
  for (const check of checks) {
    const region = check.tags[TAG_REGION];
    if (region === undefined || !config.regions.includes(region)) {
      strays.push(check);
    } else if (byRegion.has(region)) {
      duplicates.set(region, [...(duplicates.get(region) ?? []), check.id]);
    } else {
      byRegion.set(region, check);
    }
  }
  return { byRegion, duplicates, strays };
}

/** Live health of one region. */
export interface RegionHealthLive {
  readonly region: string;
  readonly healthCheck: TaggedHealthCheck | undefined;
  readonly observations: readonly CheckerObservation[];
  readonly reading: HealthReading;
  /** Why the status could not be read, if it could not. */
  readonly error?: string;
}

/** Read every configured region's health (regions without a health check read as unknown). */
export async function readRegionHealth(
  route53: Route53Gateway,
  regions: readonly string[],
  index: HealthCheckIndex,
): Promise<RegionHealthLive[]> {
  return Promise.all(
    regions.map(async (region): Promise<RegionHealthLive> => {
      const healthCheck = index.byRegion.get(region);
      const unknown = { state: 'unknown' as const, healthyCheckers: 0, totalCheckers: 0 };
      if (healthCheck === undefined) {
        return { region, healthCheck, observations: [], reading: unknown };
      }
      try {
        const observations = await route53.getHealthCheckStatus(healthCheck.id);
        return {
          region,
          healthCheck,
          observations,
          reading: readHealth(observations, healthCheck),
        };
      } catch (error) {
        return {
          region,
          healthCheck,
          observations: [],
          reading: unknown,
          error: firstLineOf(error),
        };
      }
    }),
  );
}

/** A drill lock found on a health check. */
export interface LockFinding {
  readonly healthCheckId: string;
  /** Region tag of the health check carrying the lock. */
  readonly region: string | undefined;
  /** The raw tag value. */
  readonly value: string;
  /** The parsed lock, when readable. */
  readonly lock?: DrillLock;
  /** Why it could not be parsed. */
  readonly parseError?: string;
  /** Whether its drill still runs; unreadable locks count as stale. */
  readonly liveness: 'running' | 'stale';
  readonly reason: string;
}

/**
 * Drill locks on any of the app's health checks, strays included (tags as read by
 * ListTagsForResources).
 */
export function findLocks(
  index: Pick<HealthCheckIndex, 'byRegion' | 'strays'>,
  observer: LockObserver,
): LockFinding[] {
  const findings: LockFinding[] = [];
  for (const check of [...index.byRegion.values(), ...index.strays]) {
    const value = check.tags[TAG_DRILL_LOCK];
    if (value === undefined) continue;
    const parsed = parseLock(value);
    const region = check.tags[TAG_REGION];
    if (parsed.ok) {
      const { liveness, reason } = assessLock(parsed.lock, observer);
      findings.push({
        healthCheckId: check.id,
        region,
        value,
        lock: parsed.lock,
        liveness,
        reason,
      });
    } else {
      findings.push({
        healthCheckId: check.id,
        region,
        value,
        parseError: parsed.error,
        liveness: 'stale',
        reason: parsed.error,
      });
    }
  }
  return findings;
}

/** Where and how to ask Route 53 what the public name resolves to. */
export interface DnsProbeTarget {
  readonly hostedZoneId: string;
  readonly publicName: string;
  readonly regions: readonly string[];
  /** Regional name of each region, used as its fingerprint. */
  readonly regionalNames: Readonly<Record<string, string>>;
}

/** The probe target for an app's config. */
export function dnsProbeTargetOf(
  config: Pick<AppConfig, 'hostedZone' | 'publicName' | 'regions'>,
): DnsProbeTarget {
  return {
    hostedZoneId: config.hostedZone.id,
    publicName: config.publicName,
    regions: config.regions,
    regionalNames: Object.fromEntries(
      config.regions.map((region) => [region, regionalNameOf(config, region)]),
    ),
  };
}

/** What one vantage point saw. */
export interface VantageAnswer {
  readonly vantage: VantagePoint;
  readonly recordData: readonly string[];
  readonly responseCode: string;
  readonly mapped: AnswerRegions;
  readonly error?: string;
}

/** Read what each region's own name resolves to (the fingerprints of the regions). */
export async function readFingerprints(
  route53: Route53Gateway,
  target: DnsProbeTarget,
): Promise<RegionFingerprints> {
  const entries = await Promise.all(
    target.regions.map(async (region) => {
      const name = target.regionalNames[region] ?? region;
      try {
        const answer = await route53.testDnsAnswer({
          hostedZoneId: target.hostedZoneId,
          recordName: name,
          recordType: 'A',
        });
        return [region, [...answer.recordData]] as const;
      } catch {
        return [region, []] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Ask Route 53 what the public name resolves to from every vantage point. When an answer holds a
 * value no fingerprint knows (endpoint addresses rotate), the fingerprints are read again once.
 */
export async function probeVantages(
  route53: Route53Gateway,
  target: DnsProbeTarget,
  vantages: readonly VantagePoint[],
  fingerprints: { current: RegionFingerprints },
): Promise<VantageAnswer[]> {
  const raw = await Promise.all(
    vantages.map(async (vantage) => {
      try {
        const answer = await route53.testDnsAnswer({
          hostedZoneId: target.hostedZoneId,
          recordName: target.publicName,
          recordType: 'A',
          clientSubnet: vantage.clientSubnet,
          clientSubnetMask: vantage.mask,
        });
        return { vantage, recordData: answer.recordData, responseCode: answer.responseCode };
      } catch (error) {
        return {
          vantage,
          recordData: [] as string[],
          responseCode: 'ERROR',
          error: firstLineOf(error),
        };
      }
    }),
  );
  const map = () =>
    raw.map((entry): VantageAnswer => ({
      ...entry,
      mapped: regionsInAnswer(entry.recordData, fingerprints.current, target.regions),
    }));
  let answers = map();
  if (answers.some((answer) => answer.mapped.unknown.length > 0)) {
    fingerprints.current = await readFingerprints(route53, target);
    answers = map();
  }
  return answers;
}

/** The rollout phase the data stack recorded (what runs), or why it is not known. */
export async function readDeployedPhase(
  gateways: Pick<OpsGateways, 'stacks'>,
  config: Pick<AppConfig, 'appName' | 'dataRegion'>,
): Promise<{ readonly phase: RolloutPhase } | { readonly error: string }> {
  try {
    const data = await readDeployedData(
      {
        stackOutputs: async (region, stackName) =>
          (await gateways.stacks.describeStack(region, stackName))?.outputs,
      },
      config,
    );
    return 'state' in data ? { phase: data.state.phase } : { error: data.missing };
  } catch (error) {
    return { error: firstLineOf(error) };
  }
}
