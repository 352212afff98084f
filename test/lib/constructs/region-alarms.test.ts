import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, testConfig } from '../../helpers/app';

describe('RegionAlarms (in every region stack)', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN the default three regions WHEN eu-west-1's stack is synthesized
    template = Template.fromStack(buildTestApp(testConfig()).stacks.regions[1]!);
  });

  test('every alarm is named <app>-<region>-..., the prefix the rollout gates read', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((alarm) => alarm.Properties.AlarmName as string)
      .sort();
    expect(names).toEqual(
      [
        'api-5xx',
        'api-function-errors',
        'api-latency-p99',
        'conflict-feed-dead-letters',
        'conflict-feed-errors',
        'conflict-feed-iterator-age',
        'divergence',
        'probe-errors',
        'replication-lag-from-ap-southeast-2',
        'replication-lag-from-us-east-1',
      ].map((name) => `active-active-eu-west-1-${name}`),
    );
  });

  test('alarms and recoveries go to an encrypted, SSL-only topic', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.stringLikeRegexp('alias/aws/sns'),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { Ref: expect.stringMatching(/^AlarmsTopic/) },
      ]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('a silent divergence probe or a missing heartbeat breaches (missing data is not health)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'active-active-eu-west-1-divergence',
      Namespace: 'ActiveActive',
      MetricName: 'DivergentEntities',
      Dimensions: [
        { Name: 'region', Value: 'eu-west-1' },
        { Name: 'service', Value: 'active-active' },
      ],
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'active-active-eu-west-1-replication-lag-from-us-east-1',
      MetricName: 'ReplicationLagMs',
      Threshold: 60000,
      Dimensions: Match.arrayWith([{ Name: 'sourceRegion', Value: 'us-east-1' }]),
      TreatMissingData: 'breaching',
    });
  });

  test('the API p99 alarm uses a percentile (allowed here; not in health checks)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'active-active-eu-west-1-api-latency-p99',
      ExtendedStatistic: 'p99',
      Threshold: 2000,
    });
  });
});

describe('RegionAlarms with an alarm e-mail', () => {
  test('subscribes the address to every region topic', () => {
    const { stacks } = buildTestApp(testConfig({ alarmEmail: 'oncall@example.com' }));
    for (const stack of stacks.regions) {
      Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
      });
    }
  });
});
