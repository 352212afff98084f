import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ConstructValidationError } from './validation';

/** Properties of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** Shown as the sender of e-mail notifications. */
  readonly displayName: string;
  /**
   * Prefix of the names of the alarms that may publish (the topic policy's `aws:SourceArn`),
   * e.g. `shop-eu-west-1-`.
   */
  readonly alarmNamePrefix: string;
  /**
   * Address that receives every alarm and recovery.
   * @default - no subscription (the topic exists; subscribe later)
   */
  readonly email?: string;
}

/**
 * An SNS topic CloudWatch alarms can actually deliver to: encrypted with a customer-managed key
 * (CloudWatch cannot use the AWS-managed `alias/aws/sns` key, so every alarm action would fail
 * with KMS AccessDenied) whose policy lets `cloudwatch.amazonaws.com` generate and decrypt data
 * keys, and a topic policy that lets CloudWatch publish only for this account's alarms named with
 * the prefix (`aws:SourceAccount`, `aws:SourceArn`), besides refusing anything but TLS.
 *
 * Not a construct of its own: its children are `TopicKey` and `Topic` in the given scope, so a
 * topic created before the key existed keeps its logical id (and its confirmed subscriptions).
 *
 * @see https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export class AlarmTopic {
  /** The topic. */
  readonly topic: sns.Topic;
  /** The topic's key. */
  readonly key: kms.Key;
  /** The alarm action that notifies the topic. */
  readonly action: cloudwatch.IAlarmAction;

  constructor(scope: Construct, props: AlarmTopicProps) {
    if (!/^[A-Za-z0-9_.-]+$/.test(props.alarmNamePrefix)) {
      throw new ConstructValidationError(
        scope,
        `alarm name prefix must hold only letters, digits, _, . and -, got ${JSON.stringify(props.alarmNamePrefix)}`,
      );
    }
    const stack = Stack.of(scope);

    this.key = new kms.Key(scope, 'TopicKey', {
      description: `Encrypts the alarm topic ${props.displayName}`,
      enableKeyRotation: true,
      // A key scheduled for deletion cannot be undone; the key costs $1 a month.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // AWS documents this statement without conditions: CloudWatch's data-key requests for SNS
    // carry no source context a key policy could check, and a condition here silently drops
    // every notification. The confused-deputy check is on the topic policy, which CloudWatch
    // must pass before it ever asks for a key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsEncryptForTheTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new sns.Topic(scope, 'Topic', {
      displayName: props.displayName,
      enforceSSL: true,
      masterKey: this.key,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${props.alarmNamePrefix}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.email !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    }
    this.action = new actions.SnsAction(this.topic);
  }

  /** Notify the topic when `alarm` fires and when it recovers. */
  notifyOn(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
  }
}
