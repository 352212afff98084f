import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';

/** Namespace of drill metrics. */
export const DRILL_METRIC_NAMESPACE = 'ActiveActive/Drills';

/** Measured drill durations to publish. */
export interface DrillMetrics {
  readonly appName: string;
  readonly region: string;
  readonly method: string;
  /** From the action until every vantage stopped answering with the region. */
  readonly failoverSeconds?: number;
  /** From the action until the health check reported unhealthy. */
  readonly detectionSeconds?: number;
  /** From the start of the restore until the region was healthy and back in DNS. */
  readonly restoreSeconds?: number;
  readonly timestamp: Date;
}

/** CloudWatch as the CLI sees it. */
export interface MetricsGateway {
  /** Publish `FailoverSeconds` (and detection/restore seconds) with App, Region, Method. */
  putDrillMetrics(metrics: DrillMetrics): Promise<void>;
}

/** Build the gateway on a CloudWatch client. */
export function createMetricsGateway(client: CloudWatchClient): MetricsGateway {
  return {
    async putDrillMetrics(metrics) {
      const dimensions = [
        { Name: 'App', Value: metrics.appName },
        { Name: 'Region', Value: metrics.region },
        { Name: 'Method', Value: metrics.method },
      ];
      const values: [string, number | undefined][] = [
        ['FailoverSeconds', metrics.failoverSeconds],
        ['DetectionSeconds', metrics.detectionSeconds],
        ['RestoreSeconds', metrics.restoreSeconds],
      ];
      const data = values
        .filter((entry): entry is [string, number] => entry[1] !== undefined)
        .map(([name, value]) => ({
          MetricName: name,
          Dimensions: dimensions,
          Value: value,
          Unit: 'Seconds' as const,
          Timestamp: metrics.timestamp,
        }));
      if (data.length === 0) return;
      await client.send(
        new PutMetricDataCommand({ Namespace: DRILL_METRIC_NAMESPACE, MetricData: data }),
      );
    },
  };
}
