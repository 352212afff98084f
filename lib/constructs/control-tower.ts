import { Stack, Token, Validations, type IAspect } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/**
 * AWS Control Tower proactive controls (run by `@cdklabs/cdk-validator-cfnguard` in
 * test/lib/control-tower.integration.test.ts), in one place: what the app fixes, and the
 * findings it acknowledges, each with its reason.
 *
 * Fixed: every Lambda permission for a service carries `SourceAccount` (CT.LAMBDA.PR.2 cannot
 * read a `Fn::Join` source ARN, and the account pins the caller anyway); every KMS key denies
 * grants except to AWS services (CT.KMS.PR.3; SNS and CloudWatch Logs use no grants). Configurable: log
 * retention (`logs.retentionDays`, CT.CLOUDWATCH.PR.2 wants 365 or more) and a customer-managed
 * log key (`logs.customerManagedKey`, CT.CLOUDWATCH.PR.3); acknowledged only while config asks
 * for less.
 */

/** Rule id prefix of the cfn-guard plugin's findings. */
const PLUGIN = 'cdk-validator-cfnguard';

/** Findings the app acknowledges whatever the config, by rule, with the reason. */
export const ACKNOWLEDGED_CONTROLS = {
  /** CT.LAMBDA.PR.3 */
  lambda_inside_vpc_check:
    'The functions reach only AWS public endpoints (DynamoDB, Secrets Manager, Route 53, CloudWatch) and hold no private network path; a VPC would add NAT gateways or interface endpoints in every region and cold-start latency to the health check, for no reachable private resource.',
  /** CT.APIGATEWAY.PR.? (HTTP API routes must have an authorizer) */
  api_gw_v2_authorization_type_configured_check:
    'Only the health route and the API document are open. Route 53 health checkers cannot sign requests or send tokens; the health route returns status and region name only. The OpenAPI document (GET /openapi.json) is public like any API reference and reads no data. Each has its own route throttling (50/s, 10/s); the health route also its own function.',
  /** CT.SQS.PR.1 */
  sqs_dlq_check:
    "The only queue is the conflict feed's on-failure destination: a dead-letter queue itself; a queue behind it would move the same stream positions one hop further.",
} as const;

/** The log settings config asks for (the acknowledgments depend on them). */
export interface ControlTowerLogSettings {
  /** Log retention in days (`logs.retentionDays`): under 365 is acknowledged, not fixed. */
  readonly retentionDays: number;
  /** Whether log groups use a customer-managed key (`logs.customerManagedKey`). */
  readonly customerManagedKey: boolean;
}

/** The retention Control Tower asks for (CT.CLOUDWATCH.PR.2). */
export const CONTROL_TOWER_MIN_RETENTION_DAYS = 365;

/**
 * The aspect: fixes Lambda permissions and acknowledges, per construct, the findings that do not
 * apply (see {@link ACKNOWLEDGED_CONTROLS}) or that config chose (short retention, no log key).
 */
export class ControlTowerControls implements IAspect {
  constructor(private readonly logs: ControlTowerLogSettings) {}

  visit(node: IConstruct): void {
    if (node instanceof lambda.CfnPermission) {
      const principal = node.principal;
      if (
        node.sourceAccount === undefined &&
        !Token.isUnresolved(principal) &&
        principal.endsWith('.amazonaws.com')
      ) {
        node.sourceAccount = Stack.of(node).account;
      }
    }
    if (node instanceof kms.Key) {
      node.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'GrantsOnlyForAwsServices',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:CreateGrant'],
          resources: ['*'],
          conditions: {
            BoolIfExists: {
              'kms:GrantIsForAWSResource': 'false',
              'aws:PrincipalIsAWSService': 'false',
            },
          },
        }),
      );
    }
    if (node instanceof lambda.CfnFunction) {
      acknowledge(node, 'lambda_inside_vpc_check');
    }
    if (
      node instanceof apigwv2.CfnRoute &&
      node.authorizationType === 'NONE' &&
      / \/[A-Za-z0-9._~\-/]*$/.test(node.routeKey) &&
      /^(GET|HEAD) /.test(node.routeKey)
    ) {
      acknowledge(node, 'api_gw_v2_authorization_type_configured_check');
    }
    if (node instanceof sqs.CfnQueue) acknowledge(node, 'sqs_dlq_check');
    if (node instanceof logs.CfnLogGroup) {
      if (this.logs.retentionDays < CONTROL_TOWER_MIN_RETENTION_DAYS) {
        Validations.of(node).acknowledge({
          id: `${PLUGIN}::cloudwatch_log_group_retention_period_check`,
          reason: `Log retention is ${this.logs.retentionDays} days by config (activeActive.logs.retentionDays); set it to ${CONTROL_TOWER_MIN_RETENTION_DAYS} or more in a Control Tower account.`,
        });
      }
      if (!this.logs.customerManagedKey) {
        Validations.of(node).acknowledge({
          id: `${PLUGIN}::cloudwatch_log_group_encrypted_check`,
          reason:
            'Log groups use CloudWatch Logs encryption by config; set activeActive.logs.customerManagedKey to true for a customer-managed key per stack in a Control Tower account.',
        });
      }
    }
  }
}

function acknowledge(node: IConstruct, rule: keyof typeof ACKNOWLEDGED_CONTROLS): void {
  Validations.of(node).acknowledge({
    id: `${PLUGIN}::${rule}`,
    reason: ACKNOWLEDGED_CONTROLS[rule],
  });
}
