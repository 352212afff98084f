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
import { DEFAULT_ASSUMPTIONS, type CostAssumptions } from './assumptions';
import { ALARMS_PER_REGION, billedResourcesOf, SINGLE_REGION_ALARMS } from './billed-resources';
import { forwardedShareOf } from './forwarding';
import {
  KB_PER_GB,
  SECONDS_PER_MONTH,
  validateCostInputs,
  type Deployment,
  type Traffic,
} from './inputs';
import {
  finish,
  fmt,
  line,
  logsLine,
  perMillion,
  readsLine,
  type CostEstimate,
  type CostLine,
} from './lines';
import type { PriceTable } from './prices';

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
