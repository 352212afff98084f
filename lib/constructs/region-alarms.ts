import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_DEFAULTS } from '../config/defaults';
import { AlarmTopic } from './alarm-topic';
import { AppMetrics } from './metric-factory';
import { ConstructValidationError } from './validation';

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
  /**
   * Age above which an unresolved reconciliation case fires the `open-case-age` alarm. The
   * queue is global (replicated), so give it to one region only (the app gives it to the
   * primary), or every region pages for the same case.
   * @default - no open-case alarm in this region
   */
  readonly maxOpenCaseAge?: Duration;
}

/** Names of the alarms every region has (besides one `replication-lag-from-<region>` per other region). */
export const REGION_ALARM_NAMES = [
  'api-5xx',
  'api-latency-p99',
  'api-function-errors',
  'conflict-feed-errors',
  'conflict-feed-failed-records',
  'conflict-feed-iterator-age',
  'conflict-feed-dead-letters',
  'probe-errors',
  'divergence',
  'clock-skew',
] as const;

/** Name of the alarm only the primary region has. */
export const OPEN_CASE_AGE_ALARM = 'open-case-age';

/**
 * One region's alarms, each sent to the region's encrypted SNS topic ({@link AlarmTopic}): API
 * 5xx and p99 latency, API function errors, the conflict feed (errors, failed records, iterator
 * age, dead letters), the heartbeat probe, replication lag from every other region, divergent
 * entities, and (one region) old open reconciliation cases. Metrics come from the catalog
 * (lambda/contract/metrics.ts). Alarm names start with `<appName>-<region>-`, the prefix the rollout
 * gates look for.
 */
export class RegionAlarms extends Construct {
  /** Topic every alarm of the region notifies. */
  readonly topic: sns.Topic;
  /** The topic with its key. */
  readonly alarmTopic: AlarmTopic;
  /** The alarms, by short name. */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: RegionAlarmsProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const prefix = `${props.appName}-${region}`;
    const maxLagMs = (
      props.maxReplicationLag ?? Duration.seconds(ALARM_DEFAULTS.maxReplicationLagSeconds)
    ).toMilliseconds();
    const maxLatencyMs = (
      props.maxApiLatencyP99 ?? Duration.seconds(ALARM_DEFAULTS.maxApiLatencyP99Seconds)
    ).toMilliseconds();
    if (maxLagMs < 1000) {
      throw new ConstructValidationError(
        this,
        `replication lag alarm threshold must be at least 1 second, got ${maxLagMs} ms`,
      );
    }

    this.alarmTopic = new AlarmTopic(this, {
      displayName: `${prefix} alarms`,
      alarmNamePrefix: `${prefix}-`,
      ...(props.alarmEmail === undefined ? {} : { email: props.alarmEmail }),
    });
    this.topic = this.alarmTopic.topic;
    const metrics = new AppMetrics(props.appName, region);
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
      this.alarmTopic.notifyOn(alarm);
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
    // The feed reports failed records as batchItemFailures, which keeps Lambda's Errors at 0:
    // only this metric sees a record that keeps failing.
    add(
      'conflict-feed-failed-records',
      'The conflict feed reported failed stream records 5 minutes in a row (they are retried, then sent to the dead-letter queue).',
      metrics.metric('conflictFeedFailedRecords', { statistic: 'Sum' }),
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
      metrics.metric('divergentEntities', { statistic: 'Maximum' }),
      {
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
    // Half the bound at which the region refuses its own writes: time to fix NTP before it does.
    add(
      'clock-skew',
      "This region's clock has been more than 30 s off AWS time for 2 minutes; at 60 s it refuses its own writes and transfers (503 clock_skew) until the clock is fixed.",
      metrics.metric('clockSkewMs', { statistic: 'Maximum' }),
      {
        threshold: 30_000,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    for (const source of props.regions.filter((other) => other !== region)) {
      add(
        `replication-lag-from-${source}`,
        `Writes from ${source} took more than ${maxLagMs} ms to reach this region for 3 minutes (heartbeat probe).`,
        metrics.metric('replicationLagMs', { statistic: 'Maximum' }, { sourceRegion: source }),
        {
          threshold: maxLagMs,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // no heartbeat arriving at all is worse than a slow one
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        },
      );
    }
    if (props.maxOpenCaseAge !== undefined) {
      const maxAgeSeconds = props.maxOpenCaseAge.toSeconds();
      add(
        OPEN_CASE_AGE_ALARM,
        `A reconciliation case has been open for more than ${maxAgeSeconds / 3600} hours: money with concurrent versions waits for a person.`,
        metrics.metric('oldestOpenCaseAgeSeconds', {
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
        {
          threshold: maxAgeSeconds,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          // the probe publishes 0 when the queue is empty; its silence is probe-errors' job
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
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
