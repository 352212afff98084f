import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOG_DEFAULTS } from '../config/defaults';

/** How the app's log groups are kept: retention, and the key they are encrypted with. */
export interface LogSettings {
  /**
   * How long log events are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;
  /**
   * Encrypt every log group with a customer-managed KMS key, one per stack (Control Tower's
   * CT.CLOUDWATCH.PR.3).
   * @default false - CloudWatch Logs' own encryption
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly customerManagedKey?: boolean;
}

/** The log settings config asks for. */
export function logSettingsOf(config: {
  readonly logs: { readonly retentionDays: number; readonly customerManagedKey: boolean };
}): LogSettings {
  return {
    // config accepts only the retention values CloudWatch Logs has (LOG_RETENTION_DAYS)
    retention: config.logs.retentionDays as logs.RetentionDays,
    customerManagedKey: config.logs.customerManagedKey,
  };
}

/** The default retention of the app's log groups (config accepts only CloudWatch's values). */
export const DEFAULT_LOG_RETENTION = LOG_DEFAULTS.retentionDays as logs.RetentionDays;

/**
 * A log group of the app with the given settings. Log groups are destroyed with their stack:
 * they hold only operational logs, and a retained group would block a redeploy of the same name.
 */
export function appLogGroup(
  scope: Construct,
  id: string,
  settings: LogSettings = {},
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    retention: settings.retention ?? DEFAULT_LOG_RETENTION,
    removalPolicy: RemovalPolicy.DESTROY,
    ...(settings.customerManagedKey ? { encryptionKey: logKeyOf(scope) } : {}),
  });
}

const LOG_KEY_ID = 'LogsKey';

/**
 * The stack's customer-managed key for log groups (created on first use). Its policy lets
 * CloudWatch Logs of this region use it only for log groups of this account and region.
 */
export function logKeyOf(scope: Construct): kms.Key {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(LOG_KEY_ID);
  if (existing instanceof kms.Key) return existing;
  const key = new kms.Key(stack, LOG_KEY_ID, {
    description: `Encrypts the log groups of ${stack.stackName}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisRegion',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: [
        'kms:Encrypt*',
        'kms:Decrypt*',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:Describe*',
      ],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return key;
}
