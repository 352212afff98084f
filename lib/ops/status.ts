import { drainFlagKey, regionStackName } from '../../lambda/contract/naming';
import type { RolloutPhase } from '../../lambda/contract/rollout';
import type { AppConfig } from '../config/schema';
import { isoSeconds } from './duration';
import type { DrainFlagState } from './gateways/drain';
import { stackBusy, type StackState } from './gateways/stacks';
import type { MovedTenant } from './gateways/tenants';
import type { HealthState } from './health';
import type { LockFinding, RegionHealthLive, VantageAnswer } from './live';

/**
 * `aactl status`: the report, built by a pure function that tests can feed directly (the facts
 * are read in status-gather.ts), including what needs action (exit code 8).
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
  /** Status of the region's stack (`UPDATE_IN_PROGRESS` ...), null when not found or not read. */
  readonly stackStatus: string | null;
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
  /** The phase that runs: deployed (the data stack's record) when readable, else cdk.json's. */
  readonly rolloutPhase: string;
  /** Where `rolloutPhase` comes from. */
  readonly phaseSource: 'deployed' | 'cdk.json';
  /** What cdk.json (with -c overrides) would deploy. */
  readonly configPhase: string;
  readonly primaryRegion: string;
  readonly generatedAt: string;
  readonly healthyRegions: number;
  readonly minHealthyRegions: number;
  readonly regions: readonly RegionStatus[];
  readonly locks: readonly LockStatus[];
  readonly warnings: readonly string[];
  /** What on-call must act on, each with its fix; non-empty: exit code 8. */
  readonly needsAction: readonly string[];
  /** Tenants whose home moved in the last 24 h (transfers and takeovers), when readable. */
  readonly movedTenants: readonly MovedTenant[] | null;
}

/** Raw facts the report is built from. */
export interface StatusFacts {
  readonly config: Pick<
    AppConfig,
    'appName' | 'publicName' | 'regions' | 'primaryRegion' | 'rollout' | 'drills' | 'tableName'
  >;
  /** The deployed phase, or why it is unknown (null: not read). */
  readonly deployed: { readonly phase: RolloutPhase } | { readonly error: string } | null;
  /** Each region stack, or why it could not be read (absent: not found). */
  readonly stacks: ReadonlyMap<string, StackState | { readonly error: string } | undefined>;
  /** The emulator endpoint, if any (named in the fix commands). */
  readonly endpointUrl?: string;
  readonly live: readonly RegionHealthLive[];
  readonly locks: readonly LockFinding[];
  /** Drain flag per region: state, undefined when absent, or an error. */
  readonly drains: ReadonlyMap<string, DrainFlagState | undefined | { error: string }> | null;
  readonly answers: readonly VantageAnswer[] | null;
  readonly missingVantages: readonly string[];
  readonly duplicates: ReadonlyMap<string, string[]>;
  readonly strayIds: readonly string[];
  readonly now: Date;
  /** Tenants moved recently, or why they could not be read (null: not read). */
  readonly moved?: readonly MovedTenant[] | { readonly error: string } | null;
}

/** Build the status report (pure). */
export function buildStatusReport(facts: StatusFacts): StatusReport {
  const { config } = facts;
  const warnings: string[] = [];
  const needsAction: string[] = [];
  const act = (text: string) => {
    needsAction.push(text);
    warnings.push(text);
  };
  const locks = facts.locks.map(lockStatusOf);
  const regions = facts.live.map((row): RegionStatus => {
    const drain = facts.drains?.get(row.region);
    const drainError = drain !== undefined && 'error' in drain ? drain.error : undefined;
    const drainState = drain !== undefined && !('error' in drain) ? drain : undefined;
    const answer = facts.answers?.find((entry) => entry.vantage.region === row.region);
    if (row.healthCheck === undefined) {
      act(
        `no health check tagged aa:app=${config.appName}, aa:region=${row.region}; deploy that region stack (npx cdk deploy ${regionStackName(config.appName, row.region)})`,
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
      stackStatus: stackStatusOf(facts.stacks.get(row.region)),
    };
  });
  for (const lock of locks) {
    if (lock.liveness === 'stale') {
      act(
        `leftover drill lock on ${lock.region ?? lock.healthCheckId} (${lock.reason}); ${lock.fix}`,
      );
    } else {
      warnings.push(
        `drill ${lock.drillId ?? '?'} is running on ${lock.region ?? lock.healthCheckId} (${lock.reason})`,
      );
    }
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
  const endpoint = facts.endpointUrl !== undefined ? ` --endpoint-url ${facts.endpointUrl}` : '';
  for (const row of regions) {
    const drillRuns = row.lock?.liveness === 'running';
    const drainState = facts.drains?.get(row.region);
    const byDrill =
      drainState !== undefined && !('error' in drainState) && drainState.drillId !== undefined;
    if (row.drained === true && !drillRuns) {
      act(
        `${row.region} is drained with no drill running (${row.drainReason || 'no reason'}, expires ${row.drainExpiresAt}), so Route 53 keeps it out; if it should serve, ${
          byDrill
            ? `run aactl drill restore --region ${row.region}`
            : `run aws dynamodb delete-item${endpoint} --region ${row.region} --table-name ${config.tableName} --key '${JSON.stringify({ pk: { S: drainFlagKey(row.region).pk }, sk: { S: drainFlagKey(row.region).sk } })}'`
        }`,
      );
    }
    if (row.inverted === true && !drillRuns) {
      act(
        `the health check of ${row.region} (${row.healthCheckId}) is inverted with no drill running, so Route 53 reads it upside down; if that is a leftover, run ${
          row.lock !== null
            ? `aactl drill restore --region ${row.region}`
            : `aws route53 update-health-check${endpoint} --health-check-id ${row.healthCheckId} --no-inverted`
        }`,
      );
    }
    if (row.disabled === true && !drillRuns) {
      act(
        `the health check of ${row.region} (${row.healthCheckId}) is disabled, so Route 53 treats ${row.region} as ${row.inverted === true ? 'unhealthy' : 'healthy'} whatever /health says; run aws route53 update-health-check${endpoint} --health-check-id ${row.healthCheckId} --no-disabled`,
      );
    }
    const stack = facts.stacks.get(row.region);
    const stackName = regionStackName(config.appName, row.region);
    if (stack !== undefined && 'error' in stack) {
      warnings.push(`cannot read stack ${stackName}: ${stack.error}`);
    } else if (stack !== undefined && stackBusy(stack.status)) {
      if (row.lock !== null) {
        act(
          `stack ${stackName} is ${stack.status} during drill ${row.lock.drillId ?? '?'}: a deploy resets the health check (Inverted=false) under the drill; once it ends, run aactl drill restore --region ${row.region}${row.lock.liveness === 'running' ? ' --force if the drill process is gone' : ''}, then aactl status`,
        );
      } else {
        warnings.push(
          `stack ${stackName} is ${stack.status}: a deploy runs; drills of ${row.region} are refused until it ends`,
        );
      }
    }
  }
  const configPhase = config.rollout.phase;
  const deployedPhase =
    facts.deployed !== null && 'phase' in facts.deployed ? facts.deployed.phase : undefined;
  if (deployedPhase !== undefined && deployedPhase !== configPhase) {
    warnings.push(
      `the deployed rollout phase is ${deployedPhase}, but cdk.json says ${configPhase}: the next deploy changes it (see aactl rollout plan --to ${configPhase})`,
    );
  } else if (facts.deployed !== null && 'error' in facts.deployed) {
    warnings.push(
      `deployed rollout phase unknown (${facts.deployed.error}); showing ${configPhase} from cdk.json`,
    );
  }
  const moved = facts.moved === undefined || facts.moved === null ? null : facts.moved;
  if (moved !== null && 'error' in moved) {
    warnings.push(`cannot read the tenants that moved: ${moved.error}`);
  }
  const movedTenants = moved === null || 'error' in moved ? null : moved;
  for (const tenant of movedTenants ?? []) {
    if (tenant.lost === undefined) continue;
    warnings.push(
      `tenant ${tenant.tenant} was taken over from ${tenant.lost} into ${tenant.home} (epoch ${tenant.epoch}, ${isoSeconds(new Date(tenant.movedAtMs))}): what ${tenant.lost} acknowledged before it was lost comes back as reconciliation cases when it returns (GET /v1/reconciliation)`,
    );
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
    rolloutPhase: deployedPhase ?? configPhase,
    phaseSource: deployedPhase !== undefined ? 'deployed' : 'cdk.json',
    configPhase,
    primaryRegion: config.primaryRegion,
    generatedAt: facts.now.toISOString(),
    healthyRegions,
    minHealthyRegions: config.drills.minHealthyRegions,
    regions,
    locks,
    warnings,
    needsAction,
    movedTenants,
  };
}

function stackStatusOf(stack: StackState | { readonly error: string } | undefined): string | null {
  return stack === undefined || 'error' in stack ? null : stack.status;
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
