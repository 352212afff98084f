import { CfnOutput, type CfnResource, Duration, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { toEnvironment } from '../../lambda/contract/environment';
import { HEARTBEAT_PREFIX } from '../../lambda/contract/naming';
import { DATA_TYPE_NAMES, DATA_TYPES } from '../../lambda/contract/rollout';
import { CONFLICT_FEED_DEFAULTS } from '../config/defaults';
import { appFunction, replicaArns } from './app-function';
import { LAMBDA_ENTRIES } from './lambda-bundling';
import { appLogGroup, type LogSettings } from './log-settings';
import { acknowledgeWildcardResources } from './nag-acknowledgments';
import { ConstructValidationError, regionAmong } from './validation';

/** Item `type`s of money (ledger accounts): every region checks them for concurrent versions. */
const MONEY_TYPES = DATA_TYPE_NAMES.filter((type) => DATA_TYPES[type].money);

/** Properties of {@link ConflictFeed}. */
export interface ConflictFeedProps {
  /** App name (function environment: service name). */
  readonly appName: string;
  /** Global table name (same in every region); the stream is looked up by it. */
  readonly tableName: string;
  /** Every region of the app, primary first (passed to the function). */
  readonly regions: readonly string[];
  /**
   * The home of tenants never assigned one (the write policy's default home: the data region);
   * the function gets it as `PRIMARY_REGION`.
   */
  readonly primaryRegion: string;
  /**
   * Records per batch.
   * @default 100
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-eventsourcemapping.html
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before it invokes the function.
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch (halved by bisection each time) before it goes to the DLQ.
   * @default 5
   */
  readonly retryAttempts?: number;
  /**
   * Oldest record the mapping still sends to the function; older ones go to the DLQ.
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;
  /**
   * Retention and encryption of the function's logs.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
  /**
   * A value that changes on every deploy (config `deployId`). The stream ARN lookup runs again
   * whenever it changes, so a stream that was recreated outside this stack (the replica removed
   * and added again, streams turned off and on) moves the mapping to the live stream.
   * @default 'static' - the lookup runs only on create and when the table changes
   */
  readonly deployId?: string;
}

/**
 * The project's own conflict feed in one region: a Lambda function reading this region's replica
 * stream. DynamoDB streams fire in every replica region, also for replicated writes, so the
 * mapping filters on the item's origin region: each write is processed once, where it was made.
 * Ledger accounts pass in every region, because each region must check the concurrent versions
 * it holds. Failed batches (after bisection and retries) land in an encrypted SQS queue.
 *
 * The replica's stream ARN carries a timestamp label that config cannot know and the data stack
 * (another region) must not export, so a custom resource reads it with DescribeTable here.
 */
export class ConflictFeed extends Construct {
  /** The stream consumer. */
  readonly function: nodejs.NodejsFunction;
  /** Where batches that keep failing are recorded (stream positions, not the records). */
  readonly deadLetterQueue: sqs.Queue;
  /** ARN of this region's replica stream (resolved at deploy time). */
  readonly streamArn: string;
  /** The event source mapping. */
  readonly mapping: lambda.EventSourceMapping;

  constructor(scope: Construct, id: string, props: ConflictFeedProps) {
    super(scope, id);
    const region = regionAmong(this, 'conflict feed', props.regions);
    const batchSize = props.batchSize ?? CONFLICT_FEED_DEFAULTS.batchSize;
    const maxBatchingWindow =
      props.maxBatchingWindow ?? Duration.seconds(CONFLICT_FEED_DEFAULTS.maxBatchingWindowSeconds);
    const retryAttempts = props.retryAttempts ?? CONFLICT_FEED_DEFAULTS.retryAttempts;
    const maxRecordAge =
      props.maxRecordAge ?? Duration.seconds(CONFLICT_FEED_DEFAULTS.maxRecordAgeSeconds);
    validateMapping(this, { batchSize, maxBatchingWindow, retryAttempts, maxRecordAge });
    const tableArn = replicaArns(this, region, props.tableName).table;

    this.streamArn = this.lookUpStreamArn({
      tableName: props.tableName,
      tableArn,
      region,
      logs: props.logs ?? {},
      deployId: props.deployId ?? 'static',
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the conflict-feed stream mapping; a queue behind it would only move the same failures one hop further.',
    });

    // An explicit role instead of the AWSLambdaDynamoDBExecutionRole managed policy.
    const { function: fn, role } = appFunction(this, {
      entry: LAMBDA_ENTRIES['conflict feed'].entry,
      description: 'Active-active conflict feed (local replica stream)',
      roleDescription: 'Conflict feed: its own logs, the local replica stream and table, its DLQ',
      logs: props.logs,
      // a batch of up to 100 records, each a few reads and at most one write
      overrides: { timeout: Duration.seconds(30) },
      environment: toEnvironment('conflict feed', {
        tableName: props.tableName,
        regions: props.regions,
        primaryRegion: props.primaryRegion,
        appName: props.appName,
      }),
    });
    this.function = fn;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLocalStream',
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [this.streamArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListStreams',
        actions: ['dynamodb:ListStreams'],
        resources: ['*'],
      }),
    );
    acknowledgeWildcardResources(
      role,
      ['*'],
      'dynamodb:ListStreams supports no resource-level permissions (it only lists stream ARNs); every stream read action is scoped to this replica stream.',
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LocalReplica',
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendToDeadLetterQueue',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );

    const deadLetterQueueArn = this.deadLetterQueue.queueArn;
    this.mapping = new lambda.EventSourceMapping(this, 'StreamMapping', {
      target: this.function,
      eventSourceArn: this.streamArn,
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize,
      maxBatchingWindow,
      bisectBatchOnError: true,
      retryAttempts,
      maxRecordAge,
      reportBatchItemFailures: true,
      parallelizationFactor: 1,
      // Sending is granted above (sqs:SendMessage only), not by SqsDlq's broader grant.
      onFailure: { bind: () => ({ destination: deadLetterQueueArn }) },
      filters: conflictFeedFilters(region),
    });
    // Lambda checks the role's stream permissions when it creates the mapping.
    this.mapping.node.addDependency(role);

    new CfnOutput(this, 'StreamArn', { value: this.streamArn });
    new CfnOutput(this, 'ConflictDlqUrl', { value: this.deadLetterQueue.queueUrl });
  }

  /**
   * Read the replica's latest stream ARN in this region, on create and on every update of the
   * lookup. Its properties carry the deploy id, so every deploy is an update: a stream recreated
   * since the last deploy is picked up, and because the mapping's event source is the looked-up
   * ARN, a new stream replaces the mapping (CloudFormation replaces a mapping whose
   * EventSourceArn changes).
   */
  private lookUpStreamArn(options: {
    readonly tableName: string;
    readonly tableArn: string;
    readonly region: string;
    readonly logs: LogSettings;
    readonly deployId: string;
  }): string {
    const { tableName, tableArn, region } = options;
    const describeTable: cr.AwsSdkCall = {
      service: 'DynamoDB',
      action: 'DescribeTable',
      parameters: { TableName: tableName },
      region,
      physicalResourceId: cr.PhysicalResourceId.fromResponse('Table.LatestStreamArn'),
      // the custom-resource response is limited to 4 KB: return only the ARN
      outputPaths: ['Table.LatestStreamArn'],
    };
    // The provider function (one per stack) gets an explicit role and log group instead of the
    // AWSLambdaBasicExecutionRole managed policy.
    const providerLogs = appLogGroup(this, 'StreamArnLookupLogs', options.logs);
    const providerRole = new iam.Role(this, 'StreamArnLookupRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Looks up the local replica stream ARN (DescribeTable) at deploy time',
    });
    providerLogs.grantWrite(providerRole);
    const lookup = new cr.AwsCustomResource(this, 'StreamArnLookup', {
      resourceType: 'Custom::TableStreamArn',
      onCreate: describeTable,
      onUpdate: describeTable,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [tableArn] }),
      ]),
      role: providerRole,
      logGroup: providerLogs,
      installLatestAwsSdk: false,
    });
    // AwsCustomResource exposes no extra properties; the deploy id changes the resource's
    // properties on every deploy, so CloudFormation sends an Update and the lookup runs again.
    (lookup.node.findChild('Resource').node.defaultChild as CfnResource).addPropertyOverride(
      'DeployId',
      options.deployId,
    );
    return lookup.getResponseField('Table.LatestStreamArn');
  }
}

/**
 * Event filters of the mapping (OR): changes made in this region (each write is processed once,
 * where it originated), every ledger-account change (money is checked in every region), and the
 * heartbeats of every region (a replicated heartbeat's age on arrival is that pair's lag).
 * Deletes carry no NewImage and pass none.
 */
export function conflictFeedFilters(region: string): Array<Record<string, unknown>> {
  return [
    lambda.FilterCriteria.filter({
      dynamodb: { NewImage: { region: { S: lambda.FilterRule.isEqual(region) } } },
    }),
    lambda.FilterCriteria.filter({
      dynamodb: { NewImage: { type: { S: lambda.FilterRule.or(...MONEY_TYPES) } } },
    }),
    lambda.FilterCriteria.filter({
      dynamodb: { NewImage: { sk: { S: lambda.FilterRule.beginsWith(HEARTBEAT_PREFIX) } } },
    }),
  ];
}

/** The mapping's limits (Lambda's), each skipped while its value is a Token. */
function validateMapping(
  scope: Construct,
  settings: {
    batchSize: number;
    maxBatchingWindow: Duration;
    retryAttempts: number;
    maxRecordAge: Duration;
  },
): void {
  const { batchSize, maxBatchingWindow, retryAttempts, maxRecordAge } = settings;
  const fail = (message: string) => {
    throw new ConstructValidationError(scope, message);
  };
  if (!Token.isUnresolved(batchSize) && !isIntegerIn(batchSize, 1, 10_000)) {
    fail(`conflict feed batch size must be an integer 1-10000, got ${batchSize}`);
  }
  if (!maxBatchingWindow.isUnresolved() && maxBatchingWindow.toSeconds() > 300) {
    fail(
      `conflict feed max batching window must be at most 300 seconds, got ${maxBatchingWindow.toSeconds()}`,
    );
  }
  if (!Token.isUnresolved(retryAttempts) && !isIntegerIn(retryAttempts, 0, 10_000)) {
    fail(`conflict feed retry attempts must be an integer 0-10000, got ${retryAttempts}`);
  }
  const ageSeconds = maxRecordAge.isUnresolved() ? undefined : maxRecordAge.toSeconds();
  if (ageSeconds !== undefined && (ageSeconds < 60 || ageSeconds > 604_800)) {
    fail(
      `conflict feed max record age must be 60-604800 seconds (1 minute to 7 days), got ${ageSeconds}`,
    );
  }
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
