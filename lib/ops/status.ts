import type { AppConfig } from '../config/schema';
import type { DrainFlagState } from './gateways/drain';
import type { HealthState } from './health';
import {
  dnsProbeTargetOf,
  findHealthChecks,
  findLocks,
  probeVantages,
  readFingerprints,
  readRegionHealth,
  type LockFinding,
  type OpsGateways,
  type RegionHealthLive,
  type VantageAnswer,
} from './live';
import { isoSeconds, type LockObserver } from './lock';
import { vantagePointsFor } from './vantage-points';

/**
 * `aactl status`: gather live facts (thin, through gateways), then build the report with a pure
 * function that tests can feed directly.
 */

/** One region in the status report. */
export interface RegionStatus {
  readonly region: string;
  readonly primary: boolean;
  readonly healthCheckId: string | null;
  readonly state: HealthState;
  /** Share of checkers reporting healthy (0-1), null when none reported. */
  readonly healthyShare: number | null;
  readonly healthyCheckers: number;
  readonly totalCheckers: number;
  readonly inverted: boolean | null;
  readonly disabled: boolean | null;
  /** Drain flag set; null when it could not be read (or was not read). */
  readonly drained: boolean | null;
  readonly drainReason?: string;
  readonly drainExpiresAt?: string;
  /** What the public name resolves to from this region's vantage point. */
  readonly dns: {
    readonly clientSubnet: string | null;
    readonly regions: string[];
    readonly recordData: string[];
    readonly responseCode: string | null;
    readonly error?: string;
  };
  /** A drill lock on this region's health check. */
  readonly lock: LockStatus | null;
}

/** A drill lock as reported. */
export interface LockStatus {
  readonly healthCheckId: string;
  readonly region: string | null;
  readonly drillId: string | null;
  readonly method: string | null;
  readonly startedAt: string | null;
  readonly until: string | null;
  readonly pid: number | null;
  readonly host: string | null;
  readonly liveness: 'running' | 'stale';
  readonly reason: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The whole status report (`aactl status --json` prints exactly this). */
export interface StatusReport {
  readonly appName: string;
  readonly publicName: string;
  readonly rolloutPhase: string;
  readonly primaryRegion: string;
  readonly generatedAt: string;
  readonly healthyRegions: number;
  readonly minHealthyRegions: number;
  readonly regions: readonly RegionStatus[];
  readonly locks: readonly LockStatus[];
  readonly warnings: readonly string[];
}

/** Raw facts the report is built from. */
export interface StatusFacts {
  readonly config: Pick<
    AppConfig,
    'appName' | 'publicName' | 'regions' | 'primaryRegion' | 'rollout' | 'drills'
  >;
  readonly live: readonly RegionHealthLive[];
  readonly locks: readonly LockFinding[];
  /** Drain flag per region: state, undefined when absent, or an error. */
  readonly drains: ReadonlyMap<string, DrainFlagState | undefined | { error: string }> | null;
  readonly answers: readonly VantageAnswer[] | null;
  readonly missingVantages: readonly string[];
  readonly duplicates: ReadonlyMap<string, string[]>;
  readonly strayIds: readonly string[];
  readonly now: Date;
}

/** Build the status report (pure). */
export function buildStatusReport(facts: StatusFacts): StatusReport {
  const { config } = facts;
  const warnings: string[] = [];
  const locks = facts.locks.map(lockStatusOf);
  const regions = facts.live.map((row): RegionStatus => {
    const drain = facts.drains?.get(row.region);
    const drainError = drain !== undefined && 'error' in drain ? drain.error : undefined;
    const drainState = drain !== undefined && !('error' in drain) ? drain : undefined;
    const answer = facts.answers?.find((entry) => entry.vantage.region === row.region);
    if (row.healthCheck === undefined) {
      warnings.push(
        `no health check tagged aa:app=${config.appName}, aa:region=${row.region}; deploy that region stack`,
      );
    }
    if (row.error !== undefined) warnings.push(`cannot read health of ${row.region}: ${row.error}`);
    if (drainError !== undefined) {
      warnings.push(`cannot read the drain flag of ${row.region}: ${drainError}`);
    }
    if (answer?.error !== undefined) {
      warnings.push(`TestDNSAnswer from ${row.region} failed: ${answer.error}`);
    }
    const total = row.reading.totalCheckers;
    return {
      region: row.region,
      primary: row.region === config.primaryRegion,
      healthCheckId: row.healthCheck?.id ?? null,
      state: row.reading.state,
      healthyShare: total > 0 ? row.reading.healthyCheckers / total : null,
      healthyCheckers: row.reading.healthyCheckers,
      totalCheckers: total,
      inverted: row.healthCheck?.inverted ?? null,
      disabled: row.healthCheck?.disabled ?? null,
      drained:
        facts.drains === null || drainError !== undefined ? null : drainState?.drained === true,
      ...(drainState !== undefined
        ? {
            drainReason: drainState.reason,
            drainExpiresAt: isoSeconds(drainState.expiresAt),
          }
        : {}),
      dns: {
        clientSubnet: answer?.vantage.clientSubnet ?? null,
        regions: answer?.mapped.regions ?? [],
        recordData: [...(answer?.recordData ?? [])],
        responseCode: answer?.responseCode ?? null,
        ...(answer?.error !== undefined ? { error: answer.error } : {}),
      },
      lock: locks.find((lock) => lock.healthCheckId === row.healthCheck?.id) ?? null,
    };
  });
  for (const lock of locks) {
    warnings.push(
      lock.liveness === 'stale'
        ? `leftover drill lock on ${lock.region ?? lock.healthCheckId} (${lock.reason}); ${lock.fix}`
        : `drill ${lock.drillId ?? '?'} is running on ${lock.region ?? lock.healthCheckId} (${lock.reason})`,
    );
  }
  for (const [region, ids] of facts.duplicates) {
    warnings.push(`${region} has extra health checks (${ids.join(', ')}); remove the extra ones`);
  }
  if (facts.strayIds.length > 0) {
    warnings.push(
      `health checks tagged for ${config.appName} but no configured region: ${facts.strayIds.join(', ')}`,
    );
  }
  if (facts.missingVantages.length > 0 && facts.answers !== null) {
    warnings.push(
      `no DNS vantage point for ${facts.missingVantages.join(', ')}; add one in lib/ops/vantage-points.ts`,
    );
  }
  for (const row of regions) {
    if (row.drained === true) {
      warnings.push(
        `${row.region} is drained (${row.drainReason || 'no reason'}, expires ${row.drainExpiresAt}); clear it with aactl drill restore --region ${row.region}`,
      );
    }
    if (row.inverted === true && row.lock === null) {
      warnings.push(
        `the health check of ${row.region} is inverted with no drill running; if that is a leftover, invert it back`,
      );
    }
  }
  const healthyRegions = regions.filter((row) => row.state === 'healthy').length;
  if (healthyRegions < config.drills.minHealthyRegions) {
    warnings.push(
      `only ${healthyRegions} healthy region(s), below drills.minHealthyRegions=${config.drills.minHealthyRegions}: no drill can run`,
    );
  }
  return {
    appName: config.appName,
    publicName: config.publicName,
    rolloutPhase: config.rollout.phase,
    primaryRegion: config.primaryRegion,
    generatedAt: facts.now.toISOString(),
    healthyRegions,
    minHealthyRegions: config.drills.minHealthyRegions,
    regions,
    locks,
    warnings,
  };
}

function lockStatusOf(finding: LockFinding): LockStatus {
  const lock = finding.lock;
  const region = finding.region ?? lock?.region ?? null;
  return {
    healthCheckId: finding.healthCheckId,
    region,
    drillId: lock?.drillId ?? null,
    method: lock?.method ?? null,
    startedAt: lock ? isoSeconds(lock.startedAt) : null,
    until: lock ? isoSeconds(lock.until) : null,
    pid: lock?.pid ?? null,
    host: lock?.host ?? null,
    liveness: finding.liveness,
    reason: finding.reason,
    fix:
      finding.liveness === 'stale'
        ? `run aactl drill restore${region ? ` --region ${region}` : ''}`
        : 'wait for it to finish (or aactl drill restore --force if its process is gone)',
  };
}

/** What to read besides Route 53 health. */
export interface StatusOptions {
  /** Ask TestDNSAnswer from each vantage point. */
  readonly dns: boolean;
  /** Read each region's drain flag. */
  readonly drain: boolean;
}

/** Read everything `aactl status` shows. */
export async function gatherStatus(
  ctx: { config: AppConfig; gateways: OpsGateways; observer: LockObserver },
  options: StatusOptions,
): Promise<StatusReport> {
  const { config, gateways } = ctx;
  const index = await findHealthChecks(gateways.route53, config);
  const { vantages, missing } = vantagePointsFor(config.regions);
  const probe = dnsProbeTargetOf(config);
  const [live, answers, drains] = await Promise.all([
    readRegionHealth(gateways.route53, config.regions, index),
    options.dns
      ? readFingerprints(gateways.route53, probe).then((current) =>
          probeVantages(gateways.route53, probe, vantages, { current }),
        )
      : Promise.resolve(null),
    options.drain ? readDrains(gateways, config.regions) : Promise.resolve(null),
  ]);
  return buildStatusReport({
    config,
    live,
    locks: findLocks(index, ctx.observer),
    drains,
    answers,
    missingVantages: missing,
    duplicates: index.duplicates,
    strayIds: index.strays.map((check) => check.id),
    now: ctx.observer.now,
  });
}

async function readDrains(
  gateways: OpsGateways,
  regions: readonly string[],
): Promise<Map<string, DrainFlagState | undefined | { error: string }>> {
  type DrainRead = DrainFlagState | undefined | { error: string };
  const entries = await Promise.all(
    regions.map(async (region): Promise<[string, DrainRead]> => {
      try {
        return [region, await gateways.drain.getDrain(region)];
      } catch (error) {
        return [region, { error: (error as Error).message.split('\n')[0] ?? 'error' }];
      }
    }),
  );
  return new Map(entries);
}
