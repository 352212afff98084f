import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { toEnvironment } from '../../lambda/contract/environment';
import { CONTROL_PARTITION } from '../../lambda/contract/naming';
import { FUNCTION_DEFAULTS, OBSERVABILITY_DEFAULTS } from '../config/defaults';
import { appFunction, replicaArns } from './app-function';
import { OPEN_CASES_INDEX } from './global-table';
import { LAMBDA_ENTRIES } from './lambda-bundling';
import type { LogSettings } from './log-settings';
import { ConstructValidationError } from './validation';

/** Properties of {@link ReplicationHeartbeat}. */
export interface ReplicationHeartbeatProps {
  /** Global table name (the same in every region). */
  readonly tableName: string;
  /** App name (metrics service). */
  readonly appName: string;
  /** Every region of the app (the probe reads each other region's replica). */
  readonly regions: readonly string[];
  /**
   * How long a version may be missing from a replica before it counts as divergence.
   * @default Duration.minutes(5)
   */
  readonly divergenceGrace?: Duration;
  /**
   * How often the region writes its heartbeat.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Retention and encryption of the function's logs.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
}

/**
 * The region's replication heartbeat and divergence probe: a scheduled function writes
 * `__control__ / heartbeat#<region>` to the local replica (every other region's conflict feed
 * measures its age on arrival: the true lag of that region pair, which DynamoDB's average
 * `ReplicationLatency` does not show), then checks that the local replica holds every version the
 * other replicas have held for longer than the grace period and publishes `DivergentEntities`,
 * and publishes the open reconciliation cases and the oldest one's age. The critical entities
 * come from the observability config item the data stack writes ({@link ObservabilityConfig}).
 */
export class ReplicationHeartbeat extends Construct {
  /** The heartbeat writer. */
  readonly function: nodejs.NodejsFunction;
  /** The schedule. */
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ReplicationHeartbeatProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(1);
    if (interval.toSeconds() < 60 || interval.toSeconds() > 900) {
      throw new ConstructValidationError(
        this,
        `replication heartbeat interval must be 1-15 minutes (EventBridge schedules run at most once a minute), got ${interval.toSeconds()} seconds`,
      );
    }
    const { function: fn, role } = appFunction(this, {
      entry: LAMBDA_ENTRIES.heartbeat.entry,
      description: 'Active-active replication heartbeat and divergence probe',
      roleDescription:
        'Replication heartbeat and divergence probe: its logs, control items, replica reads',
      logs: props.logs,
      overrides: { memorySize: FUNCTION_DEFAULTS.smallMemoryMb, timeout: Duration.seconds(30) },
      environment: toEnvironment('heartbeat', {
        tableName: props.tableName,
        appName: props.appName,
        regions: props.regions,
        graceMs: (
          props.divergenceGrace ?? Duration.seconds(OBSERVABILITY_DEFAULTS.divergenceGraceSeconds)
        ).toMilliseconds(),
      }),
    });
    this.function = fn;
    const localTable = replicaArns(this, Stack.of(this).region, props.tableName).table;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadReplicasForDivergence',
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: props.regions.map((region) => replicaArns(this, region, props.tableName).table),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CountOpenCases',
        actions: ['dynamodb:Query'],
        resources: [`${localTable}/index/${OPEN_CASES_INDEX.indexName}`],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteHeartbeat',
        actions: ['dynamodb:PutItem'],
        resources: [localTable],
        // only this region's heartbeat item
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CONTROL_PARTITION] },
        },
      }),
    );
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Writes this region replication heartbeat',
      schedule: events.Schedule.rate(interval),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
