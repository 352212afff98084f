import { Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ControlTowerControls } from '../../../lib/constructs/control-tower';
import { logKeyOf } from '../../../lib/constructs/log-settings';
import { testApp, TEST_ACCOUNT } from '../../helpers/app';

describe('ControlTowerControls (what the app fixes)', () => {
  let template: Template;
  beforeAll(() => {
    const app = testApp();
    const stack = new Stack(app, 'Ct', { env: { account: TEST_ACCOUNT, region: 'eu-west-1' } });
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
      logGroup: new logs.LogGroup(stack, 'Logs', { encryptionKey: logKeyOf(stack) }),
    });
    new events.Rule(stack, 'Schedule', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(fn)],
    });
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    Aspects.of(app).add(new ControlTowerControls({ retentionDays: 30, customerManagedKey: false }));
    template = Template.fromStack(stack);
  });

  test('every Lambda permission for a service names the source account (CT.LAMBDA.PR.2)', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(permission.Properties.SourceAccount).toBe(TEST_ACCOUNT);
    }
  });

  test('every KMS key denies grants except to AWS services (CT.KMS.PR.3)', () => {
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.Properties.KeyPolicy.Statement).toEqual(
        expect.arrayContaining([
          {
            Sid: 'GrantsOnlyForAwsServices',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: {
              BoolIfExists: {
                'kms:GrantIsForAWSResource': 'false',
                'aws:PrincipalIsAWSService': 'false',
              },
            },
          },
        ]),
      );
    }
  });

  test('the log key lets only CloudWatch Logs of this region and account use it', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchLogsOfThisRegion',
            Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:${TEST_ACCOUNT}:log-group:*`,
              },
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] },
    });
  });
});
