import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlarmTopic } from '../../../lib/constructs/alarm-topic';
import { testApp, TEST_ACCOUNT } from '../../helpers/app';

describe('AlarmTopic', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a stack WHEN an alarm topic is added without an e-mail address
    const stack = new Stack(testApp(), 'Alarms', {
      env: { account: TEST_ACCOUNT, region: 'eu-west-1' },
    });
    new AlarmTopic(stack, { displayName: 'shop alarms', alarmNamePrefix: 'shop-eu-west-1-' });
    template = Template.fromStack(stack);
  });

  test('a customer-managed key with rotation (CloudWatch cannot use alias/aws/sns)', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TopicKey'), 'Arn'] },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('alias/aws/sns');
  });

  test('the key policy lets CloudWatch generate and decrypt data keys', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchAlarmsEncryptForTheTopic',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
        ]),
      },
    });
  });

  test('the topic policy allows CloudWatch for this account and these alarms, over TLS only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          {
            Sid: 'CloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^Topic') },
            Condition: {
              StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT },
              ArnLike: {
                'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${TEST_ACCOUNT}:alarm:shop-eu-west-1-*`,
              },
            },
          },
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('refuses an alarm-name prefix that would not match alarm ARNs', () => {
    const stack = new Stack(testApp(), 'Bad', {
      env: { account: TEST_ACCOUNT, region: 'eu-west-1' },
    });
    expect(() => new AlarmTopic(stack, { displayName: 'x', alarmNamePrefix: 'shop *' })).toThrow(
      'alarm name prefix must hold only letters, digits, _, . and -, got "shop *"',
    );
  });
});
