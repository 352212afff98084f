import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  CONTROL_PARTITION,
  CRITICAL_ENTITIES_ATTRIBUTE,
  OBSERVABILITY_CONFIG_KEY,
} from '../../lambda/contract/naming';
import { appLogGroup, type LogSettings } from './log-settings';

/** One object the divergence probe compares across replicas. */
export interface CriticalEntity {
  /** The tenant that owns the object. */
  readonly tenant: string;
  /** Its data type (`counter`, `profile`, ...). */
  readonly type: string;
  /** Its id within the tenant and type. */
  readonly id: string;
}

/** Properties of {@link ObservabilityConfig}. */
export interface ObservabilityConfigProps {
  /** The global table (the item is written to this stack's replica and replicates everywhere). */
  readonly table: dynamodb.ITableV2;
  /** Objects the divergence probes compare across replicas, besides the heartbeats. */
  readonly criticalEntities: readonly CriticalEntity[];
  /**
   * Retention and encryption of the writer's logs.
   * @default - one month, CloudWatch Logs' own encryption
   */
  readonly logs?: LogSettings;
}

/**
 * The observability config item (`__control__ / config#observability`), written by the data
 * stack on every change and deleted with it. Every region's heartbeat probe reads it from its
 * local replica: 50 critical entities of 128-character ids are over 4 KB, more than a Lambda's
 * whole environment may hold, and an item holds 400 KB.
 */
export class ObservabilityConfig extends Construct {
  /** The writer. */
  readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: ObservabilityConfigProps) {
    super(scope, id);
    const key = {
      pk: { S: OBSERVABILITY_CONFIG_KEY.pk },
      sk: { S: OBSERVABILITY_CONFIG_KEY.sk },
    };
    const put: cr.AwsSdkCall = {
      service: 'DynamoDB',
      action: 'PutItem',
      parameters: {
        TableName: props.table.tableName,
        Item: {
          ...key,
          [CRITICAL_ENTITIES_ATTRIBUTE]: {
            S: JSON.stringify(
              props.criticalEntities.map(({ tenant, type, id: objectId }) => ({
                tenant,
                type,
                id: objectId,
              })),
            ),
          },
        },
      },
      physicalResourceId: cr.PhysicalResourceId.of(
        `${OBSERVABILITY_CONFIG_KEY.pk}/${OBSERVABILITY_CONFIG_KEY.sk}`,
      ),
    };
    const role = new iam.Role(this, 'WriterRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Writes the observability config item (control partition only)',
    });
    const logGroup = appLogGroup(this, 'WriterLogs', props.logs);
    logGroup.grantWrite(role);
    this.resource = new cr.AwsCustomResource(this, 'Writer', {
      resourceType: 'Custom::ObservabilityConfig',
      onCreate: put,
      onUpdate: put,
      onDelete: {
        service: 'DynamoDB',
        action: 'DeleteItem',
        parameters: { TableName: props.table.tableName, Key: key },
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
          resources: [props.table.tableArn],
          conditions: {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CONTROL_PARTITION] },
          },
        }),
      ]),
      role,
      logGroup,
      installLatestAwsSdk: false,
    });
  }
}
