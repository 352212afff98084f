import { Match, Template } from 'aws-cdk-lib/assertions';
import { ROLLOUT_PHASES } from '../../../lambda/domain/catalog';
import { buildTestApp, testConfig } from '../../helpers/app';

describe('GlobalStack', () => {
  let template: Template;
  let region: string;
  beforeAll(() => {
    const { stacks } = buildTestApp(testConfig());
    template = Template.fromStack(stacks.global);
    region = stacks.global.region;
  });

  test('lives in us-east-1, where Route 53 health-check metrics are', () => {
    expect(region).toBe('us-east-1');
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
});

describe('GlobalStack public name per rollout phase', () => {
  test.each(ROLLOUT_PHASES.map((phase) => [phase]))('%s', (phase) => {
    // GIVEN a phase WHEN synthesized
    const template = Template.fromStack(
      buildTestApp(testConfig({ rollout: { phase } })).stacks.global,
    );
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
