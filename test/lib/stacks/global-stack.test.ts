import { Match, Template } from 'aws-cdk-lib/assertions';
import { ROLLOUT_PHASES } from '../../../lambda/domain/catalog';
import type { AppConfig } from '../../../lib/config';
import { GlobalStack } from '../../../lib/stacks/global-stack';
import { testApp, testConfig } from '../../helpers/app';

/** The global stack alone: it references no other stack, so it synthesizes on its own. */
function globalStackOf(config: AppConfig): GlobalStack {
  return new GlobalStack(testApp(), 'active-active-global', {
    env: { account: config.account, region: 'us-east-1' },
    config,
  });
}

describe('GlobalStack', () => {
  let stack: GlobalStack;
  let template: Template;
  let lookupId: string;
  beforeAll(() => {
    stack = globalStackOf(testConfig({ alarmEmail: 'oncall@example.com' }));
    template = Template.fromStack(stack);
    lookupId = Object.keys(template.findResources('Custom::HealthCheckIds'))[0]!;
  });

  test('lives in us-east-1, where Route 53 health-check metrics are', () => {
    expect(stack.region).toBe('us-east-1');
  });

  test('finds every serving region health check by its tags, again on every deploy', () => {
    template.hasResourceProperties('Custom::HealthCheckIds', {
      App: 'active-active',
      Regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      DeployId: 'static',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'route53:ListHealthChecks', Resource: '*' }),
          Match.objectLike({
            Action: 'route53:ListTagsForResources',
            Resource: 'arn:aws:route53:::healthcheck/*',
          }),
        ]),
      },
    });
  });

  test('the failover PRIMARY aliases the primary origin name with the primary health check', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'failover.api.example.com.',
      Failover: 'PRIMARY',
      SetIdentifier: 'primary',
      HealthCheckId: { 'Fn::GetAtt': [lookupId, 'us-east-1'] },
      AliasTarget: {
        DNSName: 'us-east-1.origin.api.example.com',
        HostedZoneId: 'Z0123456789EXAMPLE',
        EvaluateTargetHealth: true,
      },
    });
  });

  test('the failover SECONDARY aliases the standby set and evaluates its health', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'failover.api.example.com.',
      Type: 'A',
      Failover: 'SECONDARY',
      SetIdentifier: 'secondary',
      AliasTarget: {
        DNSName: 'standby.api.example.com',
        HostedZoneId: 'Z0123456789EXAMPLE',
        EvaluateTargetHealth: true,
      },
    });
  });

  test('a discovery TXT record with a TTL of at most 60 s', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: '_aa.api.example.com.',
      Type: 'TXT',
      TTL: '60',
      ResourceRecords: [
        '"phase=active-passive"',
        '"primary=us-east-1"',
        '"regions=us-east-1,eu-west-1,ap-southeast-2"',
      ],
    });
  });

  test('one HealthCheckStatus alarm per region, in us-east-1, to an encrypted topic there', () => {
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `active-active-global-health-${region}`,
        Namespace: 'AWS/Route53',
        MetricName: 'HealthCheckStatus',
        Dimensions: [{ Name: 'HealthCheckId', Value: { 'Fn::GetAtt': [lookupId, region] } }],
        Statistic: 'Minimum',
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitoringTopic') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('^MonitoringTopic') }],
      });
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'oncall@example.com' });
  });

  test('a global dashboard: health of every region, replication latency per pair, drills', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard?.Properties.DashboardName).toBe('active-active-global');
    const body = JSON.stringify(stack.resolve(dashboard?.Properties.DashboardBody));
    expect(body).toContain('HealthCheckStatus');
    expect(body).toContain('FailoverSeconds');
    // one series per ordered region pair, read in the sending region
    for (const [source, receiving] of [
      ['us-east-1', 'eu-west-1'],
      ['eu-west-1', 'ap-southeast-2'],
      ['ap-southeast-2', 'us-east-1'],
    ]) {
      expect(body).toContain(`${source} -> ${receiving}`);
    }
    expect(body.match(/ReplicationLatency/g)?.length).toBeGreaterThanOrEqual(6);
  });
});

describe('GlobalStack public name per rollout phase', () => {
  test.each(ROLLOUT_PHASES.map((phase) => [phase]))('%s', (phase) => {
    // GIVEN a phase WHEN synthesized
    const template = Template.fromStack(globalStackOf(testConfig({ rollout: { phase } })));
    // THEN the public name is a plain alias (no routing policy) to the failover pair or latency set
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: Match.absent(),
      Region: Match.absent(),
      Failover: Match.absent(),
      AliasTarget: {
        DNSName:
          phase === 'active-passive' ? 'failover.api.example.com' : 'latency.api.example.com',
        HostedZoneId: 'Z0123456789EXAMPLE',
        EvaluateTargetHealth: true,
      },
    });
  });
});
