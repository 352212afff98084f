import type { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { RegionStack } from '../../../lib/stacks/region-stack';
import { buildTestApp, testConfig } from '../../helpers/app';

/** Logical id of a construct's CloudFormation resource. */
function logicalIdOf(stack: RegionStack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

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

    test('every region has an origin name; secondaries join the standby set; the PRIMARY is global', () => {
      for (const [template, region] of [
        [primary, 'us-east-1'],
        [secondary, 'eu-west-1'],
      ] as const) {
        template.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: `${region}.origin.api.example.com.`,
          Type: 'A',
          SetIdentifier: Match.absent(),
          AliasTarget: Match.objectLike({ EvaluateTargetHealth: true }),
        });
        template.resourcePropertiesCountIs(
          'AWS::Route53::RecordSet',
          { Name: 'failover.api.example.com.' },
          0,
        );
      }
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
    });
  });

  describe('conflict feed', () => {
    test('each region consumes its own replica stream, looked up by DescribeTable in that region', () => {
      for (const stack of stacks) {
        const template = Template.fromStack(stack);
        const [lookupId, lookup] = Object.entries(
          template.findResources('Custom::TableStreamArn'),
        )[0]!;
        for (const phase of ['Create', 'Update']) {
          expect(JSON.parse(lookup.Properties[phase] as string)).toMatchObject({
            service: 'DynamoDB',
            action: 'DescribeTable',
            parameters: { TableName: 'active-active-data' },
            region: stack.region,
            physicalResourceId: { responsePath: 'Table.LatestStreamArn' },
          });
        }
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [lookupId, 'Table.LatestStreamArn'] },
          FunctionName: { Ref: logicalIdOf(stack, stack.conflictFeed.function) },
        });
      }
    });

    test('the mapping passes changes made in this region, every ledger account and heartbeats', () => {
      for (const stack of stacks) {
        Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          FilterCriteria: {
            Filters: [
              { Pattern: `{"dynamodb":{"NewImage":{"region":{"S":["${stack.region}"]}}}}` },
              { Pattern: '{"dynamodb":{"NewImage":{"type":{"S":["ledger-account"]}}}}' },
              { Pattern: '{"dynamodb":{"NewImage":{"sk":{"S":[{"prefix":"heartbeat#"}]}}}}' },
            ],
          },
          StartingPosition: 'LATEST',
          BatchSize: 100,
          MaximumBatchingWindowInSeconds: 1,
          BisectBatchOnFunctionError: true,
          MaximumRetryAttempts: 5,
          MaximumRecordAgeInSeconds: 3600,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ParallelizationFactor: 1,
          DestinationConfig: {
            OnFailure: {
              Destination: {
                'Fn::GetAtt': [logicalIdOf(stack, stack.conflictFeed.deadLetterQueue), 'Arn'],
              },
            },
          },
        });
      }
    });

    test('the stream consumer is configured by environment', () => {
      secondary.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'Active-active conflict feed (local replica stream)',
        Environment: {
          Variables: {
            TABLE_NAME: 'active-active-data',
            APP_REGIONS: 'us-east-1,eu-west-1,ap-southeast-2',
            PRIMARY_REGION: 'us-east-1',
            APP_NAME: 'active-active',
            POWERTOOLS_SERVICE_NAME: 'active-active',
            POWERTOOLS_METRICS_NAMESPACE: 'ActiveActive',
          },
        },
      });
    });

    test('outputs the stream ARN and the DLQ URL', () => {
      const ids = Object.keys(secondary.findOutputs('*'));
      expect(ids.some((id) => id.startsWith('ConflictFeedStreamArn'))).toBe(true);
      expect(ids.some((id) => id.startsWith('ConflictFeedConflictDlqUrl'))).toBe(true);
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
