import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { DRILL_METRICS } from '../../lambda/contract/metrics';
import { ALARM_DEFAULTS } from '../config/defaults';
import { AlarmTopic } from './alarm-topic';
import { healthCheckStatusOf, replicationLatencyOf } from './metric-factory';
import { ConstructValidationError } from './validation';

/** Properties of {@link GlobalMonitoring}. */
export interface GlobalMonitoringProps {
  /** App name: alarms are `<appName>-global-health-<region>`, the dashboard `<appName>-global`. */
  readonly appName: string;
  /** Global table name (DynamoDB's replication latency is per table). */
  readonly tableName: string;
  /** Every serving region, primary first. */
  readonly regions: readonly string[];
  /** The Route 53 health-check id of each region (from the health-check lookup). */
  readonly healthCheckIds: Readonly<Record<string, string>>;
  /**
   * Address that receives every alarm and recovery.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Consecutive unhealthy minutes before a region's health alarm fires.
   * @default 2
   */
  readonly unhealthyMinutes?: number;
}

/** Name of the health alarm of `region`. */
export function healthAlarmNameOf(appName: string, region: string): string {
  return `${appName}-global-health-${region}`;
}

/**
 * What only us-east-1 can watch: one alarm per region on its Route 53 `HealthCheckStatus`
 * (published only in us-east-1), to an encrypted topic there, and the global dashboard (health
 * of every region, DynamoDB `ReplicationLatency` per region pair, `FailoverSeconds` of drills).
 */
export class GlobalMonitoring extends Construct {
  /** The health alarm of each region. */
  readonly healthAlarms: Record<string, cloudwatch.Alarm> = {};
  /** The topic of the global alarms. */
  readonly alarmTopic: AlarmTopic;
  /** The global dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GlobalMonitoringProps) {
    super(scope, id);
    const stackRegion = Stack.of(this).region;
    if (!Token.isUnresolved(stackRegion) && stackRegion !== 'us-east-1') {
      throw new ConstructValidationError(
        this,
        `global monitoring must be in us-east-1, where Route 53 publishes health-check metrics, got ${stackRegion}`,
      );
    }
    const missing = props.regions.filter((region) => props.healthCheckIds[region] === undefined);
    if (missing.length > 0) {
      throw new ConstructValidationError(
        this,
        `global monitoring has no health-check id for ${missing.join(', ')}; pass one per region`,
      );
    }
    const unhealthyMinutes = props.unhealthyMinutes ?? ALARM_DEFAULTS.unhealthyMinutes;
    const minute = Duration.minutes(1);

    this.alarmTopic = new AlarmTopic(this, {
      displayName: `${props.appName} global alarms`,
      alarmNamePrefix: `${props.appName}-global-`,
      ...(props.alarmEmail === undefined ? {} : { email: props.alarmEmail }),
    });
    for (const region of props.regions) {
      const alarm = healthCheckStatusOf(props.healthCheckIds[region]!, {
        statistic: 'Minimum',
        period: minute,
      }).createAlarm(this, `HealthAlarm${pascalCaseOf(region)}`, {
        alarmName: healthAlarmNameOf(props.appName, region),
        alarmDescription: `Route 53 has seen ${region} unhealthy for ${unhealthyMinutes} minutes: DNS sends its traffic elsewhere. Runbook: docs/runbooks.md#global-health`,
        threshold: 1,
        evaluationPeriods: unhealthyMinutes,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // Route 53 publishes every minute while the check exists: silence means it is gone.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.alarmTopic.notifyOn(alarm);
      this.healthAlarms[region] = alarm;
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.appName}-global`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Health of every region (Route 53, 1 = healthy)',
        left: props.regions.map((region) =>
          healthCheckStatusOf(props.healthCheckIds[region]!, {
            statistic: 'Minimum',
            period: minute,
            label: region,
          }),
        ),
        leftYAxis: { min: 0, max: 1 },
        width: 12,
        height: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Drills: failover seconds',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${DRILL_METRICS.failoverSeconds.namespace},${DRILL_METRICS.failoverSeconds.dimensions.join(',')}} MetricName="${DRILL_METRICS.failoverSeconds.name}" App="${props.appName}"', 'Maximum', 3600)`,
            label: '',
            period: Duration.hours(1),
          }),
        ],
        width: 12,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB ReplicationLatency per region pair (average, ms)',
        left: props.regions.flatMap((source) =>
          props.regions
            .filter((receiving) => receiving !== source)
            .map((receiving) =>
              replicationLatencyOf(props.tableName, source, receiving, {
                statistic: 'Average',
                period: minute,
              }),
            ),
        ),
        width: 24,
        height: 6,
      }),
    );
  }
}

/** `eu-west-1` -> `EuWest1`. */
function pascalCaseOf(region: string): string {
  return region
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
