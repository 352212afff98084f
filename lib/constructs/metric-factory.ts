import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  APP_METRICS,
  AWS_METRICS,
  seriesOf,
  type MetricDefinition,
  type MetricUnit,
} from '../../lambda/contract/metrics';

/** Options of one metric as an alarm or a graph reads it. */
export interface MetricReadOptions {
  /** Statistic, e.g. `Sum`, `Maximum`, `p99`. */
  readonly statistic: string;
  /**
   * Period of a datapoint.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
  /**
   * Region holding the metric (dashboards only; alarms read their own region).
   * @default - the stack's region
   */
  readonly region?: string;
  /**
   * Legend label.
   * @default - the metric name
   */
  readonly label?: string;
}

const UNITS: Record<MetricUnit, cloudwatch.Unit> = {
  Count: cloudwatch.Unit.COUNT,
  Milliseconds: cloudwatch.Unit.MILLISECONDS,
  Seconds: cloudwatch.Unit.SECONDS,
  None: cloudwatch.Unit.NONE,
};

/** A CloudWatch metric of one series of a catalog metric (lambda/contract/metrics.ts). */
export function metricOf(
  definition: MetricDefinition,
  dimensions: Readonly<Record<string, string>>,
  options: MetricReadOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: definition.namespace,
    metricName: definition.name,
    dimensionsMap: seriesOf(definition, dimensions),
    statistic: options.statistic,
    period: options.period ?? Duration.minutes(1),
    unit: UNITS[definition.unit],
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.label === undefined ? {} : { label: options.label }),
  });
}

/** The catalog's metrics of one app in one region, as CloudWatch metrics. */
export class AppMetrics {
  constructor(
    private readonly appName: string,
    private readonly region: string,
  ) {}

  /** A metric of the app in this region; `extra` names the dimensions beyond service and region. */
  metric(
    key: keyof typeof APP_METRICS,
    options: MetricReadOptions,
    extra: Readonly<Record<string, string>> = {},
  ): cloudwatch.Metric {
    return metricOf(
      APP_METRICS[key],
      { service: this.appName, region: this.region, ...extra },
      { region: this.region, ...options },
    );
  }
}

/** DynamoDB's average replication latency from `source` to `receiving` (held in `source`). */
export function replicationLatencyOf(
  tableName: string,
  source: string,
  receiving: string,
  options: MetricReadOptions,
): cloudwatch.Metric {
  return metricOf(
    AWS_METRICS.dynamodbReplicationLatency,
    { TableName: tableName, ReceivingRegion: receiving },
    { region: source, label: `${source} -> ${receiving}`, ...options },
  );
}

/** Route 53's status of a health check (1 healthy, 0 unhealthy); only in us-east-1. */
export function healthCheckStatusOf(
  healthCheckId: string,
  options: MetricReadOptions,
): cloudwatch.Metric {
  return metricOf(
    AWS_METRICS.route53HealthCheckStatus,
    { HealthCheckId: healthCheckId },
    { region: 'us-east-1', ...options },
  );
}
