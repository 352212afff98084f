import { Match, Template } from 'aws-cdk-lib/assertions';
import type { RegionStack } from '../../../lib/stacks/region-stack';
import { buildTestApp, testConfig } from '../../helpers/app';

describe('RegionAlarms and RegionDashboard (in every region stack)', () => {
  let stacks: RegionStack[];
  let template: Template;
  let primary: Template;
  beforeAll(() => {
    // GIVEN the default three regions and an alarm address WHEN the app is synthesized
    stacks = buildTestApp(testConfig({ alarmEmail: 'oncall@example.com' })).stacks.regions;
    primary = Template.fromStack(stacks[0]!);
    template = Template.fromStack(stacks[1]!);
  });

  const alarmNamesOf = (of: Template) =>
    Object.values(of.findResources('AWS::CloudWatch::Alarm'))
      .map((alarm) => alarm.Properties.AlarmName as string)
      .sort();

  test('every alarm is named <app>-<region>-..., the prefix the rollout gates read', () => {
    expect(alarmNamesOf(template)).toEqual(
      [
        'api-5xx',
        'api-function-errors',
        'api-latency-p99',
        'clock-skew',
        'conflict-feed-dead-letters',
        'conflict-feed-errors',
        'conflict-feed-failed-records',
        'conflict-feed-iterator-age',
        'divergence',
        'probe-errors',
        'replication-lag-from-ap-southeast-2',
        'replication-lag-from-us-east-1',
      ].map((name) => `active-active-eu-west-1-${name}`),
    );
  });

  test('only the primary pages for old open reconciliation cases (the queue is global)', () => {
    expect(alarmNamesOf(primary)).toContain('active-active-us-east-1-open-case-age');
    primary.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'active-active-us-east-1-open-case-age',
      Namespace: 'ActiveActive',
      MetricName: 'OldestOpenCaseAgeSeconds',
      Threshold: 24 * 3600,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('failed records are alarmed on their own metric (batchItemFailures keep Errors at 0)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'active-active-eu-west-1-conflict-feed-failed-records',
      Namespace: 'ActiveActive',
      MetricName: 'ConflictFeedFailedRecords',
      Statistic: 'Sum',
      Dimensions: [
        { Name: 'region', Value: 'eu-west-1' },
        { Name: 'service', Value: 'active-active' },
      ],
    });
  });

  test('alarms and recoveries go to the region topic, encrypted with its own key', () => {
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { Ref: expect.stringMatching(/^AlarmsTopic[0-9A-F]{8}$/) },
      ]);
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
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

  test('one dashboard per region with every graph on-call needs', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties.DashboardName).toBe('active-active-eu-west-1');
    const body = JSON.stringify(stacks[1]!.resolve(dashboards[0]?.Properties.DashboardBody));
    for (const title of [
      'API latency',
      'API errors',
      'Conflict feed errors',
      'Conflict feed iterator age',
      'Replication lag into eu-west-1',
      'Divergent entities',
      'Conflicts per data class',
      'Conflict resolution time per data class',
      'Open reconciliation cases',
      'Forwarded and refused writes',
    ]) {
      expect(body).toContain(title);
    }
    for (const text of ['p50', 'p90', 'p99', 'from us-east-1', 'from ap-southeast-2', 'ledger']) {
      expect(body).toContain(text);
    }
  });
});
