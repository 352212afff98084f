import { Match, Template } from 'aws-cdk-lib/assertions';
import type { RegionStack } from '../../../lib/stacks/region-stack';
import { buildTestApp, testConfig } from '../../helpers/app';

describe('RegionStack', () => {
  // GIVEN the default config WHEN the app is synthesized once
  let stacks: RegionStack[];
  let primary: Template;
  let secondary: Template;
  beforeAll(() => {
    stacks = buildTestApp(testConfig()).stacks.regions;
    primary = Template.fromStack(stacks[0]!);
    secondary = Template.fromStack(stacks[1]!);
  });

  test('one stack per region, the region in its name', () => {
    expect(stacks.map((stack) => [stack.stackName, stack.region])).toEqual([
      ['active-active-region-us-east-1', 'us-east-1'],
      ['active-active-region-eu-west-1', 'eu-west-1'],
      ['active-active-region-ap-southeast-2', 'ap-southeast-2'],
    ]);
  });

  describe('API', () => {
    test('one function on the latest Node.js runtime, arm64, configured by environment', () => {
      secondary.resourceCountIs('AWS::Lambda::Function', 1);
      secondary.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: {
            TABLE_NAME: 'active-active-data',
            APP_REGIONS: 'us-east-1,eu-west-1,ap-southeast-2',
            PRIMARY_REGION: 'us-east-1',
            HEALTH_TIMEOUT_MS: '1000',
          },
        },
      });
    });

    test('an HTTP API reachable only through custom domains', () => {
      secondary.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        DisableExecuteApiEndpoint: true,
      });
      secondary.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
        AccessLogSettings: {
          DestinationArn: Match.anyValue(),
          Format: Match.stringLikeRegexp('requestId'),
        },
      });
    });

    test('GET /health is routed to the function', () => {
      secondary.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /health' });
      secondary.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    });

    test('custom domains for the public and the regional name, regional, TLS 1.2', () => {
      for (const name of ['api.example.com', 'eu-west-1.api.example.com']) {
        secondary.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
          DomainName: name,
          DomainNameConfigurations: [
            Match.objectLike({ EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }),
          ],
        });
      }
      secondary.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 2);
    });

    test('a certificate per region validated by DNS in the hosted zone', () => {
      secondary.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'api.example.com',
        SubjectAlternativeNames: ['eu-west-1.api.example.com'],
        ValidationMethod: 'DNS',
        DomainValidationOptions: Match.arrayWith([
          { DomainName: 'api.example.com', HostedZoneId: 'Z0123456789EXAMPLE' },
          { DomainName: 'eu-west-1.api.example.com', HostedZoneId: 'Z0123456789EXAMPLE' },
        ]),
      });
    });

    test('IAM: GetItem on this region\u2019s replica only, by ARN, and its own log group', () => {
      secondary.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayEquals([
            {
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiFunctionLogs'), 'Arn'] },
            },
            {
              Sid: 'ReadLocalReplica',
              Action: 'dynamodb:GetItem',
              Effect: 'Allow',
              Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/active-active-data',
            },
          ]),
        },
      });
      // no managed policies: the role carries only the inline policy above
      secondary.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    });
  });

  describe('DNS', () => {
    test('an HTTPS health check on the regional name, interval and threshold from config', () => {
      secondary.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: 'eu-west-1.api.example.com',
          Port: 443,
          ResourcePath: '/health',
          RequestInterval: 10,
          FailureThreshold: 2,
          EnableSNI: true,
          Regions: Match.arrayWith(['us-east-1', 'eu-west-1', 'ap-southeast-2']),
        },
        HealthCheckTags: Match.arrayWith([
          { Key: 'aa:app', Value: 'active-active' },
          { Key: 'aa:region', Value: 'eu-west-1' },
        ]),
      });
    });

    test('a latency alias record: region, set identifier = region, health check, evaluate target health', () => {
      secondary.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'latency.api.example.com.',
        Type: 'A',
        Region: 'eu-west-1',
        SetIdentifier: 'eu-west-1',
        HealthCheckId: { Ref: Match.stringLikeRegexp('^TrafficHealthCheck') },
        HostedZoneId: 'Z0123456789EXAMPLE',
        AliasTarget: {
          DNSName: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^ApiPublicDomain'), 'RegionalDomainName'],
          },
          HostedZoneId: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^ApiPublicDomain'), 'RegionalHostedZoneId'],
          },
          EvaluateTargetHealth: true,
        },
      });
    });

    test('a per-region record pinned to the regional domain', () => {
      secondary.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'eu-west-1.api.example.com.',
        Type: 'A',
        AliasTarget: {
          DNSName: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^ApiRegionalDomain'), 'RegionalDomainName'],
          },
          HostedZoneId: Match.anyValue(),
          EvaluateTargetHealth: false,
        },
      });
    });

    test('the primary owns the failover PRIMARY record, secondaries join the standby set', () => {
      primary.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'failover.api.example.com.',
        Failover: 'PRIMARY',
        SetIdentifier: 'primary',
        HealthCheckId: { Ref: Match.stringLikeRegexp('^TrafficHealthCheck') },
      });
      primary.resourcePropertiesCountIs(
        'AWS::Route53::RecordSet',
        { Name: 'standby.api.example.com.' },
        0,
      );
      secondary.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'standby.api.example.com.',
        Region: 'eu-west-1',
        SetIdentifier: 'eu-west-1',
        HealthCheckId: { Ref: Match.stringLikeRegexp('^TrafficHealthCheck') },
      });
      secondary.resourcePropertiesCountIs(
        'AWS::Route53::RecordSet',
        { Name: 'failover.api.example.com.' },
        0,
      );
    });
  });

  test('no cross-region references', () => {
    for (const stack of stacks) {
      const template = Template.fromStack(stack);
      expect(Object.keys(template.findResources('Custom::CrossRegionExportReader'))).toEqual([]);
      expect(Object.keys(template.findResources('Custom::CrossRegionExportWriter'))).toEqual([]);
      expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
    }
  });
});

describe('RegionStack with custom health-check settings', () => {
  test('interval 30, threshold 5 and a custom path reach the health check and the route', () => {
    // GIVEN a config that changes every health-check knob
    const config = testConfig({
      healthCheck: { intervalSeconds: 30, failureThreshold: 5, path: '/deep-health' },
    });
    // WHEN synthesized
    const template = Template.fromStack(buildTestApp(config).stacks.regions[0]!);
    // THEN
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        RequestInterval: 30,
        FailureThreshold: 5,
        ResourcePath: '/deep-health',
      }),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /deep-health' });
  });
});
