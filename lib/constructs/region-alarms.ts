import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../config/naming';

/** Properties of {@link RegionAlarms}. */
export interface RegionAlarmsProps {
  /** App name: alarm names start with `<appName>-<region>-`, which `aactl rollout status` reads. */
  readonly appName: string;
  /** Every region of the app (one replication-lag alarm per other region). */
  readonly regions: readonly string[];
  /** The regional HTTP API. */
  readonly httpApi: apigwv2.HttpApi;
  /** The API function. */
  readonly apiFunction: lambda.IFunction;
  /** The conflict-feed consumer. */
  readonly conflictFeedFunction: lambda.IFunction;
  /** The conflict feed's dead-letter queue. */
  readonly conflictFeedDeadLetterQueue: sqs.IQueue;
  /** The heartbeat and divergence probe function. */
  readonly heartbeatFunction: lambda.IFunction;
  /**
   * Address that receives every alarm and recovery of this region.
   * @default - no subscription (the topic exists; subscribe later)
   */
  readonly alarmEmail?: string;
  /**
   * Replication lag from another region above which the lag alarm fires.
   * @default Duration.seconds(60)
   */
  readonly maxReplicationLag?: Duration;
  /**
   * API p99 latency above which the latency alarm fires.
   * @default Duration.seconds(2)
   */
  readonly maxApiLatencyP99?: Duration;
}

/**
 * One region's alarms, each sent to the region's encrypted SNS topic: API 5xx and p99 latency,
 * API function errors, the conflict feed (errors, iterator age, dead letters), the heartbeat
 * probe, replication lag from every other region, and divergent entities. Alarm names start with
 * `<appName>-<region>-`, the prefix the rollout gates look for.
 */
export class RegionAlarms extends Construct {
  /** Topic every alarm of the region notifies. */
  readonly topic: sns.Topic;
  /** The alarms, by short name. */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: RegionAlarmsProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const prefix = `${props.appName}-${region}`;
    const maxLagMs = (props.maxReplicationLag ?? Duration.seconds(60)).toMilliseconds();
    const maxLatencyMs = (props.maxApiLatencyP99 ?? Duration.seconds(2)).toMilliseconds();
    if (maxLagMs < 1000) {
      throw new Error(
        `replication lag alarm threshold must be at least 1 second, got ${maxLagMs} ms`,
      );
    }

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${prefix} alarms`,
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const notify = new actions.SnsAction(this.topic);
    const minute = Duration.minutes(1);
    const add = (
      name: string,
      description: string,
      metric: cloudwatch.Metric,
      options: Omit<cloudwatch.CreateAlarmOptions, 'alarmName' | 'alarmDescription'>,
    ) => {
      const alarm = metric.createAlarm(this, toId(name), {
        alarmName: `${prefix}-${name}`,
        alarmDescription: `${description} Runbook: docs/runbooks.md#${name.replace(/-from-.*/, '')}`,
        ...options,
      });
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      this.alarms[name] = alarm;
    };

    add(
      'api-5xx',
      'The regional API answered 5xx to 5 or more requests a minute for 3 minutes.',
      props.httpApi.metricServerError({ period: minute, statistic: 'Sum' }),
      {
        threshold: 5,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    add(
      'api-latency-p99',
      `The regional API p99 latency exceeded ${maxLatencyMs} ms for 5 minutes.`,
      props.httpApi.metricLatency({ period: minute, statistic: 'p99' }),
      {
        threshold: maxLatencyMs,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    add(
      'api-function-errors',
      'The API function failed (uncaught errors or timeouts) 3 minutes in a row.',
      props.apiFunction.metricErrors({ period: minute, statistic: 'Sum' }),
      {
        threshold: 1,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    add(
      'conflict-feed-errors',
      'The conflict feed failed on records 5 minutes in a row (it retries, then writes to its dead-letter queue).',
      props.conflictFeedFunction.metricErrors({ period: minute, statistic: 'Sum' }),
      {
        threshold: 1,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    add(
      'conflict-feed-iterator-age',
      'The conflict feed is more than 5 minutes behind the stream (a backlog, e.g. after an outage).',
      props.conflictFeedFunction.metric('IteratorAge', { period: minute, statistic: 'Maximum' }),
      {
        threshold: 5 * 60 * 1000,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    add(
      'conflict-feed-dead-letters',
      'Stream batches the conflict feed gave up on are waiting in its dead-letter queue (records expire from the stream after 24 hours).',
      props.conflictFeedDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: minute,
        statistic: 'Maximum',
      }),
      {
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    add(
      'probe-errors',
      'The replication heartbeat and divergence probe failed 3 runs in a row: lag and divergence are not being measured.',
      props.heartbeatFunction.metricErrors({ period: minute, statistic: 'Sum' }),
      {
        threshold: 1,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    // The probe publishes every minute, 0 included: missing data means it stopped, which hides
    // divergence, so missing data breaches.
    add(
      'divergence',
      'This region has been missing versions another replica has held past the grace period for 2 minutes: replication into this region is stuck or lost.',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'DivergentEntities',
        dimensionsMap: { service: props.appName, region },
        period: minute,
        statistic: 'Maximum',
      }),
      {
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
    for (const source of props.regions.filter((other) => other !== region)) {
      add(
        `replication-lag-from-${source}`,
        `Writes from ${source} took more than ${maxLagMs} ms to reach this region for 3 minutes (heartbeat probe).`,
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'ReplicationLagMs',
          dimensionsMap: { service: props.appName, region, sourceRegion: source },
          period: minute,
          statistic: 'Maximum',
        }),
        {
          threshold: maxLagMs,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // no heartbeat arriving at all is worse than a slow one
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        },
      );
    }
  }
}

function toId(name: string): string {
  return name
    .split('-')
    .map((part) => (/^\d/.test(part) ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}
