/**
 * Monthly cost of the app in a rollout phase, line by line, from traffic and a price table. Pure:
 * `aactl cost` and `aactl rollout plan` print what this returns, and the tests check it against
 * numbers computed by hand.
 *
 * What the phases change, and what they do not: the expensive part of multi-region (a replica and
 * an API in every region, a replicated write unit per replica for every write, health checks,
 * metrics and alarms everywhere) is paid from active-passive on, because the standbys are warm.
 * The phases move where requests run and how many writes are forwarded to their owner region; a
 * forwarded write runs in the region it arrived in against the owner's replica (a cross-region
 * DynamoDB call), so it costs Lambda time and inter-region transfer, not an extra API request.
 * The single-region baseline shows the multi-region premium itself.
 */
import {
  WRITE_CLASS_NAMES,
  WRITE_CLASSES,
  type DataDomain,
  type RolloutPhase,
  type WriteClass,
} from '../../../lambda/contract/rollout';
import { isWritableInAnyRegion } from '../../../lambda/contract/rollout';
import type { PriceKey, PriceTable } from './prices';

/** AWS bills a month as 730 hours. */
export const SECONDS_PER_MONTH = 730 * 3600;

/** 1 GB = 1024 x 1024 KB. */
export const KB_PER_GB = 1024 * 1024;

/** The load to price. */
export interface Traffic {
  /** Client reads per second, all regions together. */
  readonly readsPerSecond: number;
  /** Client writes per second, all regions together. */
  readonly writesPerSecond: number;
  /** Average item size in KB (a write unit covers 1 KB, a read unit 4 KB, rounded up). */
  readonly itemKb: number;
  /** Table size in GB (each replica stores all of it). */
  readonly storageGb: number;
}

/** What is deployed. */
export interface Deployment {
  /** Number of regions (replicas, APIs, health checks). */
  readonly regions: number;
  /** The global phase (decides DNS: all traffic to the primary in active-passive). */
  readonly phase: RolloutPhase;
  /** Each domain's phase. */
  readonly domains: Readonly<Record<DataDomain, RolloutPhase>>;
  /** Write classes local everywhere in limited-write. */
  readonly limitedWriteClasses: readonly WriteClass[];
  /** Route 53 health-check interval: 10 s (fast, costs extra) or 30 s. */
  readonly healthCheckIntervalSeconds: number;
  /** Route 53 checker regions probing each endpoint. */
  readonly checkerRegions: number;
  /**
   * Every stack encrypts its log groups with its own customer-managed key (`logs.customerManagedKey`).
   * @default false
   */
  readonly customerManagedLogKey?: boolean;
  /**
   * The API uses the app's own tokens (a Lambda authorizer per region) rather than an OIDC
   * provider's JWTs (`api.jwt`).
   * @default true
   */
  readonly ownApiTokens?: boolean;
}

/**
 * What the templates create that is billed by the piece, for `regions` regions. These counts
 * mirror the CDK app (alarms of lib/constructs/region-alarms.ts and global-monitoring.ts, one
 * dashboard per region and a global one, the keys of the alarm topics and logs);
 * test/lib/cost-model.test.ts counts the synthesized templates and fails when they drift.
 */
export interface BilledResources {
  readonly alarms: number;
  readonly healthChecks: number;
  readonly dashboards: number;
  readonly kmsKeys: number;
  /** Lambda functions (not billed by the piece; listed so the count is checked too). */
  readonly functions: number;
}

/** Alarms every region has besides one replication-lag alarm per other region. */
export const ALARMS_PER_REGION = 10;

/** The billed resources of a deployment. */
export function billedResourcesOf(
  deployment: Pick<Deployment, 'regions' | 'customerManagedLogKey' | 'ownApiTokens'>,
): BilledResources {
  const n = deployment.regions;
  // per region: 10 alarms and one lag alarm per other region; the primary's open-case-age alarm;
  // in us-east-1, one health-check alarm per region
  const alarms = n * (ALARMS_PER_REGION + (n - 1)) + 1 + n;
  // per region: API, health, conflict feed, heartbeat, stream-ARN lookup (+ token authorizer);
  // data stack: rollout guard, observability-item writer; global: health-check lookup
  const functions = n * (5 + ((deployment.ownApiTokens ?? true) ? 1 : 0)) + 3;
  // an alarm-topic key per region and a global one; a log key per stack when asked for
  const kmsKeys = n + 1 + (deployment.customerManagedLogKey ? n + 2 : 0);
  return { alarms, healthChecks: n, dashboards: n + 1, kmsKeys, functions };
}

/** Alarms of the single-region baseline: the API's 5xx, p99 latency and function errors. */
export const SINGLE_REGION_ALARMS = 3;

/** Everything the model assumes beyond traffic and prices (all shown in the output). */
export interface CostAssumptions {
  /** Share of writes per write class (normalized to sum 1). */
  readonly writeMix: Readonly<Record<WriteClass, number>>;
  /** Share of writes arriving in the tenant's home region once every region serves. */
  readonly homeAffinity: number;
  /** Strongly consistent reads each write makes first (read-modify-write of its slot). */
  readonly consistentReadsPerWrite: number;
  /** Memory of every function, MB. */
  readonly lambdaMemoryMb: number;
  /** Average duration of an API invocation, ms. */
  readonly apiAverageMs: number;
  /** Extra duration of a forwarded write (waiting on the owner's replica), ms. */
  readonly forwardExtraMs: number;
  /** Change records per conflict-feed invocation. */
  readonly feedRecordsPerInvocation: number;
  /** Average duration of a conflict-feed invocation, ms. */
  readonly feedAverageMs: number;
  /** Route 53 health checkers per checker region (each probes once per interval). */
  readonly checkersPerCheckerRegion: number;
  /** Log volume per invocation, KB. */
  readonly logKbPerInvocation: number;
  /** Custom metrics per region besides one replication-lag metric per other region. */
  readonly metricsPerRegion: number;
}

/** The default assumptions. */
export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  writeMix: Object.fromEntries(
    WRITE_CLASS_NAMES.map((name) => [name, 1 / WRITE_CLASS_NAMES.length]),
  ) as Record<WriteClass, number>,
  homeAffinity: 0.8,
  consistentReadsPerWrite: 1,
  lambdaMemoryMb: 512,
  apiAverageMs: 40,
  forwardExtraMs: 150,
  feedRecordsPerInvocation: 10,
  feedAverageMs: 50,
  checkersPerCheckerRegion: 2,
  logKbPerInvocation: 1,
  // Conflicts and ConflictResolutionMs per data domain (2 x 5), ReconciliationCasesOpened,
  // ForwardedWrites, RefusedWrites, DivergentEntities, ConflictFeedFailedRecords,
  // OpenReconciliationCases, OldestOpenCaseAgeSeconds (lambda/contract/metrics.ts).
  metricsPerRegion: 18,
};

/** One line of an estimate. */
export interface CostLine {
  /** Stable id, e.g. `dynamodb.writes`. */
  readonly id: string;
  readonly label: string;
  /** Billed quantity per month, in `unit`. */
  readonly quantity: number;
  readonly unit: string;
  /** Price per `unit`. */
  readonly unitPrice: number;
  /** The price(s) used. */
  readonly prices: readonly PriceKey[];
  readonly monthlyUsd: number;
  /** How the quantity was computed. */
  readonly basis: string;
}

/** An estimate. */
export interface CostEstimate {
  /** `single-region` or the global phase. */
  readonly scenario: string;
  readonly regions: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** Share of writes forwarded to their owner region. */
  readonly forwardedShare: number;
}

/** Check traffic and assumptions; throws one message naming every bad value. */
export function validateCostInputs(
  traffic: Traffic,
  deployment: Pick<Deployment, 'regions' | 'healthCheckIntervalSeconds' | 'checkerRegions'>,
  assumptions: CostAssumptions,
): void {
  const problems: string[] = [];
  const nonNegative = (name: string, value: number) => {
    if (!Number.isFinite(value) || value < 0) {
      problems.push(`${name} must be a non-negative number, got ${value}`);
    }
  };
  nonNegative('reads per second', traffic.readsPerSecond);
  nonNegative('writes per second', traffic.writesPerSecond);
  nonNegative('storage GB', traffic.storageGb);
  if (!Number.isFinite(traffic.itemKb) || traffic.itemKb <= 0 || traffic.itemKb > 400) {
    problems.push(`item size must be more than 0 and at most 400 KB, got ${traffic.itemKb}`);
  }
  if (!Number.isInteger(deployment.regions) || deployment.regions < 1) {
    problems.push(`regions must be a positive integer, got ${deployment.regions}`);
  }
  if (assumptions.homeAffinity < 0 || assumptions.homeAffinity > 1) {
    problems.push(`home affinity must be 0-1, got ${assumptions.homeAffinity}`);
  }
  const mixTotal = WRITE_CLASS_NAMES.reduce((sum, name) => sum + assumptions.writeMix[name], 0);
  if (!(mixTotal > 0) || WRITE_CLASS_NAMES.some((name) => assumptions.writeMix[name] < 0)) {
    problems.push('write mix must hold non-negative shares with a positive total');
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
}

/**
 * Share of writes that run outside the region they arrive in. Active-passive DNS sends everything
 * to the primary, which owns everything: nothing is forwarded. From read-local on, a write is local
 * when its class may run anywhere in its domain's phase; otherwise it goes to its owner: the
 * primary for a domain still in active-passive (requests arrive evenly over the regions), the
 * tenant's home region otherwise (`homeAffinity` of writes arrive there).
 */
export function forwardedShareOf(
  deployment: Pick<Deployment, 'regions' | 'phase' | 'domains' | 'limitedWriteClasses'>,
  assumptions: Pick<CostAssumptions, 'writeMix' | 'homeAffinity'>,
): number {
  if (deployment.phase === 'active-passive' || deployment.regions < 2) return 0;
  const total = WRITE_CLASS_NAMES.reduce((sum, name) => sum + assumptions.writeMix[name], 0);
  let forwarded = 0;
  for (const name of WRITE_CLASS_NAMES) {
    const phase = deployment.domains[WRITE_CLASSES[name]];
    const share = assumptions.writeMix[name] / total;
    if (isWritableInAnyRegion(phase, name, deployment.limitedWriteClasses)) continue;
    forwarded +=
      share *
      (phase === 'active-passive'
        ? (deployment.regions - 1) / deployment.regions
        : 1 - assumptions.homeAffinity);
  }
  return forwarded;
}

/** The monthly cost of `deployment` under `traffic`. */
export function estimateMonthlyCost(
  traffic: Traffic,
  deployment: Deployment,
  table: PriceTable,
  assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS,
): CostEstimate {
  validateCostInputs(traffic, deployment, assumptions);
  const p = table.prices;
  const n = deployment.regions;
  const writes = traffic.writesPerSecond * SECONDS_PER_MONTH;
  const reads = traffic.readsPerSecond * SECONDS_PER_MONTH;
  const writeUnits = Math.ceil(traffic.itemKb);
  const readUnits = Math.ceil(traffic.itemKb / 4);
  const forwardedShare = forwardedShareOf(deployment, assumptions);
  const forwarded = writes * forwardedShare;
  const probesPerRegion =
    deployment.checkerRegions *
    assumptions.checkersPerCheckerRegion *
    (SECONDS_PER_MONTH / deployment.healthCheckIntervalSeconds);
  const probes = n * probesPerRegion;
  const feedInvocations = writes / assumptions.feedRecordsPerInvocation;
  const apiInvocations = reads + writes + probes;
  const invocations = apiInvocations + feedInvocations;
  const memoryGb = assumptions.lambdaMemoryMb / 1024;
  const gbSeconds =
    (memoryGb *
      (apiInvocations * assumptions.apiAverageMs +
        forwarded * assumptions.forwardExtraMs +
        feedInvocations * assumptions.feedAverageMs)) /
    1000;
  const options = 1 + (deployment.healthCheckIntervalSeconds < 30 ? 1 : 0);
  const metrics = n * (assumptions.metricsPerRegion + (n - 1));
  const billed = billedResourcesOf(deployment);

  const lines: CostLine[] = [
    perMillion(
      'dynamodb.writes',
      'DynamoDB replicated writes',
      writes * writeUnits * n,
      'rWRU',
      p.dynamodbReplicatedWriteRequestUnitsPerMillion,
      ['dynamodbReplicatedWriteRequestUnitsPerMillion'],
      `${fmt(writes)} writes x ${writeUnits} unit x ${n} replicas`,
    ),
    readsLine(reads, writes, readUnits, assumptions, p.dynamodbReadRequestUnitsPerMillion),
    line(
      'dynamodb.storage',
      'DynamoDB storage + PITR',
      traffic.storageGb * n,
      'GB-month',
      p.dynamodbStorageGbMonth + p.dynamodbPitrGbMonth,
      ['dynamodbStorageGbMonth', 'dynamodbPitrGbMonth'],
      `${traffic.storageGb} GB x ${n} replicas`,
    ),
    line(
      'transfer.inter-region',
      'Inter-region transfer',
      (writes * traffic.itemKb * (n - 1) + forwarded * 2 * traffic.itemKb) / KB_PER_GB,
      'GB',
      p.interRegionTransferGb,
      ['interRegionTransferGb'],
      `replication to ${n - 1} regions + ${fmt(forwarded)} forwarded writes x 2 x ${traffic.itemKb} KB`,
    ),
    perMillion(
      'lambda.requests',
      'Lambda requests',
      invocations,
      'requests',
      p.lambdaRequestsPerMillion,
      ['lambdaRequestsPerMillion'],
      `API ${fmt(reads + writes)} + health probes ${fmt(probes)} + conflict feed ${fmt(feedInvocations)}`,
    ),
    line(
      'lambda.compute',
      'Lambda compute (Arm)',
      gbSeconds,
      'GB-s',
      p.lambdaArmGbSecond,
      ['lambdaArmGbSecond'],
      `${assumptions.lambdaMemoryMb} MB; ${assumptions.apiAverageMs} ms per API call, +${assumptions.forwardExtraMs} ms per forwarded write (${fmt(forwarded)}), ${assumptions.feedAverageMs} ms per feed batch`,
    ),
    perMillion(
      'apigateway.requests',
      'API Gateway (HTTP API)',
      apiInvocations,
      'requests',
      p.apiGatewayHttpRequestsPerMillion,
      ['apiGatewayHttpRequestsPerMillion'],
      `client ${fmt(reads + writes)} + health probes ${fmt(probes)}`,
    ),
    line(
      'route53.health-checks',
      'Route 53 health checks',
      n,
      'checks',
      p.route53HealthCheckMonth + options * p.route53HealthCheckFeatureMonth,
      ['route53HealthCheckMonth', 'route53HealthCheckFeatureMonth'],
      `${n} x (basic + HTTPS${options > 1 ? ' + fast interval' : ''})`,
    ),
    line(
      'cloudwatch.metrics',
      'CloudWatch custom metrics',
      metrics,
      'metrics',
      p.cloudwatchMetricMonth,
      ['cloudwatchMetricMonth'],
      `${n} regions x (${assumptions.metricsPerRegion} + ${n - 1} replication-lag pairs)`,
    ),
    line(
      'cloudwatch.alarms',
      'CloudWatch alarms',
      billed.alarms,
      'alarms',
      p.cloudwatchAlarmMonth,
      ['cloudwatchAlarmMonth'],
      `${n} regions x (${ALARMS_PER_REGION} + ${n - 1} replication-lag) + 1 open-case age + ${n} health (us-east-1)`,
    ),
    line(
      'cloudwatch.dashboards',
      'CloudWatch dashboards',
      billed.dashboards,
      'dashboards',
      p.cloudwatchDashboardMonth,
      ['cloudwatchDashboardMonth'],
      `${n} regions + 1 global`,
    ),
    line(
      'kms.keys',
      'KMS keys',
      billed.kmsKeys,
      'keys',
      p.kmsKeyMonth,
      ['kmsKeyMonth'],
      `${n + 1} alarm topics${deployment.customerManagedLogKey ? ` + ${n + 2} log keys` : ''}`,
    ),
    logsLine(invocations, assumptions, p.cloudwatchLogsIngestionGb),
  ];
  return finish(deployment.phase, n, lines, forwardedShare);
}

/**
 * The same traffic on one region with a plain table: write units instead of one replicated write
 * unit per replica, no replication, health checks, conflict feed or custom metrics.
 */
export function estimateSingleRegion(
  traffic: Traffic,
  table: PriceTable,
  assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS,
): CostEstimate {
  validateCostInputs(
    traffic,
    { regions: 1, healthCheckIntervalSeconds: 30, checkerRegions: 0 },
    assumptions,
  );
  const p = table.prices;
  const writes = traffic.writesPerSecond * SECONDS_PER_MONTH;
  const reads = traffic.readsPerSecond * SECONDS_PER_MONTH;
  const writeUnits = Math.ceil(traffic.itemKb);
  const readUnits = Math.ceil(traffic.itemKb / 4);
  const invocations = reads + writes;
  const lines: CostLine[] = [
    perMillion(
      'dynamodb.writes',
      'DynamoDB writes',
      writes * writeUnits,
      'WRU',
      p.dynamodbWriteRequestUnitsPerMillion,
      ['dynamodbWriteRequestUnitsPerMillion'],
      `${fmt(writes)} writes x ${writeUnits} unit`,
    ),
    readsLine(reads, writes, readUnits, assumptions, p.dynamodbReadRequestUnitsPerMillion),
    line(
      'dynamodb.storage',
      'DynamoDB storage + PITR',
      traffic.storageGb,
      'GB-month',
      p.dynamodbStorageGbMonth + p.dynamodbPitrGbMonth,
      ['dynamodbStorageGbMonth', 'dynamodbPitrGbMonth'],
      `${traffic.storageGb} GB x 1 table`,
    ),
    perMillion(
      'lambda.requests',
      'Lambda requests',
      invocations,
      'requests',
      p.lambdaRequestsPerMillion,
      ['lambdaRequestsPerMillion'],
      `API ${fmt(invocations)}`,
    ),
    line(
      'lambda.compute',
      'Lambda compute (Arm)',
      ((assumptions.lambdaMemoryMb / 1024) * invocations * assumptions.apiAverageMs) / 1000,
      'GB-s',
      p.lambdaArmGbSecond,
      ['lambdaArmGbSecond'],
      `${assumptions.lambdaMemoryMb} MB; ${assumptions.apiAverageMs} ms per API call`,
    ),
    perMillion(
      'apigateway.requests',
      'API Gateway (HTTP API)',
      invocations,
      'requests',
      p.apiGatewayHttpRequestsPerMillion,
      ['apiGatewayHttpRequestsPerMillion'],
      `client ${fmt(invocations)}`,
    ),
    line(
      'cloudwatch.alarms',
      'CloudWatch alarms',
      SINGLE_REGION_ALARMS,
      'alarms',
      p.cloudwatchAlarmMonth,
      ['cloudwatchAlarmMonth'],
      'the API: 5xx, p99 latency, function errors',
    ),
    logsLine(invocations, assumptions, p.cloudwatchLogsIngestionGb),
  ];
  return finish('single-region', 1, lines, 0);
}

/** The assumptions as sentences, for the output. */
export function describeAssumptions(
  traffic: Traffic,
  assumptions: CostAssumptions,
  table: PriceTable,
): string[] {
  const mix = WRITE_CLASS_NAMES.map(
    (name) => `${name} ${Math.round(assumptions.writeMix[name] * 1000) / 10}%`,
  ).join(', ');
  return [
    `prices: ${table.region} on-demand list prices as of ${table.asOf} (${table.currency}), no free tier; every region priced as ${table.region}`,
    `a month is 730 hours; traffic is steady: ${traffic.readsPerSecond} reads/s, ${traffic.writesPerSecond} writes/s, items of ${traffic.itemKb} KB, ${traffic.storageGb} GB stored per replica`,
    'reads are eventually consistent (0.5 read unit per 4 KB); each write first makes ' +
      `${assumptions.consistentReadsPerWrite} strongly consistent read`,
    `every write is billed one replicated write unit per KB in every replica (global tables)`,
    `active-passive sends all traffic to the primary; from read-local on, ${Math.round(assumptions.homeAffinity * 100)}% of writes arrive in the tenant's home region and requests spread evenly over regions`,
    `write mix: ${mix}`,
    `a forwarded write runs against the owner's replica from where it arrived: +${assumptions.forwardExtraMs} ms of Lambda and 2 x item size of inter-region transfer, no extra API request`,
    `Lambda: ${assumptions.lambdaMemoryMb} MB Arm, ${assumptions.apiAverageMs} ms per API call; conflict feed ${assumptions.feedRecordsPerInvocation} records per ${assumptions.feedAverageMs} ms invocation; ${assumptions.logKbPerInvocation} KB of logs per invocation`,
    `health checks billed as AWS endpoints; each is probed by ${assumptions.checkersPerCheckerRegion} checkers per checker region, and every probe is an API request`,
    `${assumptions.metricsPerRegion} custom metrics per region plus one replication-lag metric per other region; ${ALARMS_PER_REGION} alarms per region plus one per other region, the primary's open-case alarm and one health alarm per region in us-east-1; a dashboard per region and a global one; a KMS key per alarm topic`,
    'not included: DNS queries, the hosted zone, data transfer to the internet, Secrets Manager, the per-minute heartbeat and authorizer invocations, support',
  ];
}

function readsLine(
  reads: number,
  writes: number,
  readUnits: number,
  assumptions: CostAssumptions,
  price: number,
): CostLine {
  return perMillion(
    'dynamodb.reads',
    'DynamoDB reads',
    reads * readUnits * 0.5 + writes * assumptions.consistentReadsPerWrite * readUnits,
    'RRU',
    price,
    ['dynamodbReadRequestUnitsPerMillion'],
    `${fmt(reads)} reads x ${readUnits} x 0.5 + ${fmt(writes)} writes x ${assumptions.consistentReadsPerWrite} consistent read`,
  );
}

function logsLine(invocations: number, assumptions: CostAssumptions, price: number): CostLine {
  return line(
    'cloudwatch.logs',
    'CloudWatch Logs ingestion',
    (invocations * assumptions.logKbPerInvocation) / KB_PER_GB,
    'GB',
    price,
    ['cloudwatchLogsIngestionGb'],
    `${fmt(invocations)} invocations x ${assumptions.logKbPerInvocation} KB`,
  );
}

function perMillion(
  id: string,
  label: string,
  quantity: number,
  unit: string,
  pricePerMillion: number,
  prices: readonly PriceKey[],
  basis: string,
): CostLine {
  return line(id, label, quantity, unit, pricePerMillion / 1_000_000, prices, basis);
}

function line(
  id: string,
  label: string,
  quantity: number,
  unit: string,
  unitPrice: number,
  prices: readonly PriceKey[],
  basis: string,
): CostLine {
  return { id, label, quantity, unit, unitPrice, prices, monthlyUsd: quantity * unitPrice, basis };
}

function finish(
  scenario: string,
  regions: number,
  lines: CostLine[],
  forwardedShare: number,
): CostEstimate {
  return {
    scenario,
    regions,
    lines,
    totalUsd: lines.reduce((sum, entry) => sum + entry.monthlyUsd, 0),
    forwardedShare,
  };
}

/** Millions and thousands, for the basis column. */
function fmt(value: number): string {
  if (value >= 1_000_000) return `${round(value / 1_000_000)}M`;
  if (value >= 1_000) return `${round(value / 1_000)}k`;
  return `${round(value)}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
