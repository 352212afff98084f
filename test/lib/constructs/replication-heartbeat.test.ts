import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ReplicationHeartbeat } from '../../../lib/constructs/replication-heartbeat';
import { testApp } from '../../helpers/app';

describe('ReplicationHeartbeat', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a stack in eu-west-1 WHEN the heartbeat is added
    const app = testApp();
    const stack = new Stack(app, 'Heartbeat', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    new ReplicationHeartbeat(stack, 'Heartbeat', {
      tableName: 'active-active-data',
      appName: 'active-active',
      regions: ['us-east-1', 'eu-west-1'],
    });
    template = Template.fromStack(stack);
  });

  test('runs every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  test('may only put control items into the local replica', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'WriteHeartbeat',
            Action: 'dynamodb:PutItem',
            Effect: 'Allow',
            Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/active-active-data',
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['__control__'] } },
          },
        ]),
      },
    });
  });

  test('a small arm64 function configured for the probe; no list from config in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Environment: {
        Variables: {
          TABLE_NAME: 'active-active-data',
          APP_NAME: 'active-active',
          APP_REGIONS: 'us-east-1,eu-west-1',
          DIVERGENCE_GRACE_MS: '300000',
          POWERTOOLS_SERVICE_NAME: 'active-active',
          POWERTOOLS_METRICS_NAMESPACE: 'ActiveActive',
        },
      },
    });
  });

  test('may count open reconciliation cases in the local open-cases index', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'CountOpenCases',
            Action: 'dynamodb:Query',
            Effect: 'Allow',
            Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/active-active-data/index/gsi1',
          },
        ]),
      },
    });
  });

  test('the divergence probe may read (not write) every replica', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ReadReplicasForDivergence',
            Action: ['dynamodb:GetItem', 'dynamodb:Query'],
            Effect: 'Allow',
            // CDK sorts the resources of a statement
            Resource: [
              'arn:aws:dynamodb:eu-west-1:123456789012:table/active-active-data',
              'arn:aws:dynamodb:us-east-1:123456789012:table/active-active-data',
            ],
          },
        ]),
      },
    });
  });

  test('an interval below one minute is refused with a clear message', () => {
    const stack = new Stack(testApp(), 'Bad', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    expect(
      () =>
        new ReplicationHeartbeat(stack, 'Heartbeat', {
          tableName: 't',
          appName: 'a',
          regions: ['eu-west-1'],
          interval: Duration.seconds(10),
        }),
    ).toThrow(
      'replication heartbeat interval must be 1-15 minutes (EventBridge schedules run at most once a minute), got 10 seconds',
    );
  });
});
