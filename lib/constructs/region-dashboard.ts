import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DATA_DOMAINS } from '../../lambda/contract/rollout';
import { AppMetrics } from './metric-factory';

/** Properties of {@link RegionDashboard}. */
export interface RegionDashboardProps {
  /** App name: the dashboard is `<appName>-<region>`. */
  readonly appName: string;
  /** Every region this one exchanges replication with (one lag series per other region). */
  readonly regions: readonly string[];
  /** The regional HTTP API. */
  readonly httpApi: apigwv2.IHttpApi;
  /** The conflict-feed consumer. */
  readonly conflictFeedFunction: lambda.IFunction;
  /**
   * Period of every graph's datapoints.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/**
 * One region's dashboard, from the metric catalog: API latency (p50, p90, p99) and 4xx/5xx; the
 * conflict feed's errors, failed records and iterator age; replication lag from each other
 * region and divergence; conflicts and resolution time per data class; open reconciliation cases
 * and the oldest one's age; forwarded and refused writes.
 */
export class RegionDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RegionDashboardProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const period = props.period ?? Duration.minutes(1);
    const metrics = new AppMetrics(props.appName, region);
    const app = (key: Parameters<AppMetrics['metric']>[0], statistic: string, label?: string) =>
      metrics.metric(key, { statistic, period, ...(label === undefined ? {} : { label }) });
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.appName}-${region}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      graph(
        'API latency',
        ['p50', 'p90', 'p99'].map((statistic) =>
          props.httpApi.metricLatency({ statistic, period, label: statistic }),
        ),
      ),
      graph('API errors', [
        props.httpApi.metricClientError({ statistic: 'Sum', period, label: '4xx' }),
        props.httpApi.metricServerError({ statistic: 'Sum', period, label: '5xx' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Conflict feed errors',
        [
          props.conflictFeedFunction.metricErrors({ statistic: 'Sum', period, label: 'errors' }),
          app('conflictFeedFailedRecords', 'Sum', 'failed records'),
        ],
        [
          props.conflictFeedFunction.metricThrottles({
            statistic: 'Sum',
            period,
            label: 'throttles',
          }),
        ],
      ),
      graph('Conflict feed iterator age', [
        props.conflictFeedFunction.metric('IteratorAge', {
          statistic: 'Maximum',
          period,
          label: 'iterator age (max)',
        }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        `Replication lag into ${region} (heartbeat, p99)`,
        props.regions
          .filter((source) => source !== region)
          .map((source) =>
            metrics.metric(
              'replicationLagMs',
              { statistic: 'p99', period, label: `from ${source}` },
              { sourceRegion: source },
            ),
          ),
      ),
      graph('Divergent entities', [app('divergentEntities', 'Maximum', 'divergent')]),
    );
    this.dashboard.addWidgets(
      graph(
        'Conflicts per data class',
        DATA_DOMAINS.map((domain) =>
          metrics.metric(
            'conflicts',
            { statistic: 'Sum', period, label: domain },
            { dataClass: domain },
          ),
        ),
      ),
      graph(
        'Conflict resolution time per data class (p99)',
        DATA_DOMAINS.map((domain) =>
          metrics.metric(
            'conflictResolutionMs',
            { statistic: 'p99', period, label: domain },
            { dataClass: domain },
          ),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Open reconciliation cases',
        [app('openReconciliationCases', 'Maximum', 'open cases')],
        [app('oldestOpenCaseAgeSeconds', 'Maximum', 'oldest (s)')],
      ),
      graph('Forwarded and refused writes', [
        app('forwardedWrites', 'Sum', 'forwarded'),
        app('refusedWrites', 'Sum', 'refused (421)'),
      ]),
    );
  }
}
