/**
 * Public list prices the cost model uses: AWS on-demand, us-east-1, USD, without free tiers,
 * volume discounts, savings plans or taxes. `activeActive.pricing` in cdk.json overrides any of
 * them (e.g. for another region, or after AWS changes a price).
 *
 * Sources (the public pricing pages):
 * - DynamoDB on-demand: https://aws.amazon.com/dynamodb/pricing/on-demand/ (the November 2024
 *   price cut: WRU $0.625/M, RRU $0.125/M; replicated WRU priced like WRU, see
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/global-tables-billing.html)
 * - Data transfer between regions: https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer
 * - Lambda (Arm): https://aws.amazon.com/lambda/pricing/
 * - API Gateway HTTP APIs: https://aws.amazon.com/api-gateway/pricing/
 * - Route 53 health checks: https://aws.amazon.com/route53/pricing/
 * - CloudWatch metrics, alarms, dashboards, logs: https://aws.amazon.com/cloudwatch/pricing/
 * - KMS keys: https://aws.amazon.com/kms/pricing/
 */

/** Every price the model reads, with its unit. */
export interface Prices {
  /** DynamoDB on-demand, per million write request units (single-region table). */
  readonly dynamodbWriteRequestUnitsPerMillion: number;
  /** DynamoDB on-demand, per million replicated write request units (one per replica per write). */
  readonly dynamodbReplicatedWriteRequestUnitsPerMillion: number;
  /** DynamoDB on-demand, per million read request units. */
  readonly dynamodbReadRequestUnitsPerMillion: number;
  /** DynamoDB Standard table class storage, per GB-month, per replica. */
  readonly dynamodbStorageGbMonth: number;
  /** DynamoDB continuous backups (PITR), per GB-month, per replica. */
  readonly dynamodbPitrGbMonth: number;
  /** Data transfer out of a region to another AWS region, per GB. */
  readonly interRegionTransferGb: number;
  /** Lambda, per million requests. */
  readonly lambdaRequestsPerMillion: number;
  /** Lambda on Arm (Graviton), per GB-second, first tier. */
  readonly lambdaArmGbSecond: number;
  /** API Gateway HTTP API, per million requests, first tier. */
  readonly apiGatewayHttpRequestsPerMillion: number;
  /** Route 53 basic health check of an AWS endpoint, per month. */
  readonly route53HealthCheckMonth: number;
  /** Route 53 optional health-check feature (HTTPS, fast interval, ...) of an AWS endpoint, per month each. */
  readonly route53HealthCheckFeatureMonth: number;
  /** CloudWatch custom metric, per metric-month, first tier. */
  readonly cloudwatchMetricMonth: number;
  /** CloudWatch standard-resolution alarm, per alarm-month. */
  readonly cloudwatchAlarmMonth: number;
  /** CloudWatch dashboard, per dashboard-month (beyond the free tier's three). */
  readonly cloudwatchDashboardMonth: number;
  /** KMS customer-managed key, per key-month (requests within the free tier at this volume). */
  readonly kmsKeyMonth: number;
  /** CloudWatch Logs ingestion (standard and Lambda logs, first tier), per GB. */
  readonly cloudwatchLogsIngestionGb: number;
}

/** Name of one price. */
export type PriceKey = keyof Prices;

/** A price table with its provenance. */
export interface PriceTable {
  /** When the prices were read off the pages above. */
  readonly asOf: string;
  readonly region: string;
  readonly currency: 'USD';
  readonly prices: Prices;
}

/**
 * The list prices in effect as of `asOf` (us-east-1 on-demand). Check the pages before relying
 * on an estimate, and override what changed in `activeActive.pricing`.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  asOf: '2025-06-01',
  region: 'us-east-1',
  currency: 'USD',
  prices: {
    dynamodbWriteRequestUnitsPerMillion: 0.625,
    dynamodbReplicatedWriteRequestUnitsPerMillion: 0.625,
    dynamodbReadRequestUnitsPerMillion: 0.125,
    dynamodbStorageGbMonth: 0.25,
    dynamodbPitrGbMonth: 0.2,
    interRegionTransferGb: 0.02,
    lambdaRequestsPerMillion: 0.2,
    lambdaArmGbSecond: 0.0000133334,
    apiGatewayHttpRequestsPerMillion: 1.0,
    route53HealthCheckMonth: 0.5,
    route53HealthCheckFeatureMonth: 1.0,
    cloudwatchMetricMonth: 0.3,
    cloudwatchAlarmMonth: 0.1,
    cloudwatchDashboardMonth: 3.0,
    kmsKeyMonth: 1.0,
    cloudwatchLogsIngestionGb: 0.5,
  },
};

/** Every price name, in table order. */
export const PRICE_KEYS = Object.keys(DEFAULT_PRICE_TABLE.prices) as PriceKey[];

/**
 * The table with overrides from config applied. Unknown names and negative or non-finite values
 * are refused with one message naming them and the known names.
 */
export function priceTableWith(
  overrides: Readonly<Record<string, number>> | undefined,
  base: PriceTable = DEFAULT_PRICE_TABLE,
): PriceTable {
  if (overrides === undefined || Object.keys(overrides).length === 0) return base;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (!(PRICE_KEYS as readonly string[]).includes(key)) {
      problems.push(`activeActive.pricing.${key} is not a known price (${PRICE_KEYS.join(', ')})`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(
        `activeActive.pricing.${key} must be a non-negative number, got ${JSON.stringify(value)}`,
      );
    }
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return {
    ...base,
    asOf: `${base.asOf}, with overrides from config (${Object.keys(overrides).join(', ')})`,
    prices: { ...base.prices, ...overrides },
  };
}
