import { type CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { API_ROUTES } from '../../../lambda/contract/routes';
import { RegionalApi, type RegionalApiProps } from '../../../lib/constructs/regional-api';
import { testApp, TEST_ACCOUNT } from '../../helpers/app';

function stackIn(region?: string): Stack {
  const app = testApp();
  return new Stack(app, 'Test', region ? { env: { account: TEST_ACCOUNT, region } } : {});
}

function propsFor(stack: Stack, overrides: Partial<RegionalApiProps> = {}): RegionalApiProps {
  return {
    appName: 'shop',
    tableName: 'shop-data',
    regions: ['us-east-1', 'eu-west-1'],
    primaryRegion: 'us-east-1',
    publicName: 'api.shop.example',
    regionalName: 'eu-west-1.api.shop.example',
    zone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789SHOP',
      zoneName: 'shop.example',
    }),
    sessionKeySecretName: 'shop/session-key',
    ...overrides,
  };
}

describe('RegionalApi', () => {
  test('two regions: the other replica is granted by ARN, no index wildcard beyond the table', () => {
    // GIVEN a two-region app WHEN the API is built in eu-west-1
    const stack = stackIn('eu-west-1');
    new RegionalApi(stack, 'Api', propsFor(stack));
    // THEN
    const template = Template.fromStack(stack);
    const local = 'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-data';
    const other = 'arn:aws:dynamodb:us-east-1:123456789012:table/shop-data';
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {},
          {
            Sid: 'ReadReplicas',
            Resource: [local, `${local}/index/*`, other, `${other}/index/*`],
          },
          { Sid: 'WriteReplicas', Resource: [local, other] },
          { Sid: 'DeleteInLocalReplica', Resource: local },
          // idempotency claims are released in the tenant's home replica ([K])
          {
            Sid: 'ReleaseClaimsInOtherReplicas',
            Resource: other,
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['I#*'] } },
          },
          { Sid: 'NoControlPartitionWrites', Effect: 'Deny', Resource: [local, other] },
          {
            Sid: 'ReadSessionKey',
            Resource:
              'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/session-key-??????',
          },
        ],
      },
    });
    template.resourceCountIs(
      'AWS::ApiGatewayV2::Route',
      // every route of the contract's table (the health route's two methods included)
      API_ROUTES.length,
    );
  });

  test('the health route: its own function, reserved concurrency, its own throttling', () => {
    const stack = stackIn('eu-west-1');
    const api = new RegionalApi(stack, 'Api', propsFor(stack, { healthPath: '/healthz' }));
    const template = Template.fromStack(stack);
    const healthId = stack.getLogicalId(api.health.function.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('health check'),
      ReservedConcurrentExecutions: 5,
      Environment: { Variables: Match.objectLike({ HEALTH_PATH: '/healthz' }) },
    });
    for (const key of ['GET /healthz', 'HEAD /healthz']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: key,
        AuthorizationType: 'NONE',
      });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationUri: { 'Fn::GetAtt': [healthId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: {
        'GET /healthz': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        'HEAD /healthz': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      },
    });
    // the stage's route settings name routes that must exist first
    const stageDeps = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]
      ?.DependsOn as string[];
    const healthRoutes = Object.keys(
      template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: Match.stringLikeRegexp('/healthz$') },
      }),
    );
    expect(healthRoutes).toHaveLength(2);
    expect(stageDeps).toEqual(expect.arrayContaining(healthRoutes));
  });

  test('reservedConcurrency 0 reserves nothing (accounts with a small concurrency quota)', () => {
    const stack = stackIn('eu-west-1');
    new RegionalApi(stack, 'Api', propsFor(stack, { healthReservedConcurrency: 0 }));
    expect(
      Object.values(
        Template.fromStack(stack).findResources('AWS::Lambda::Function', {
          Properties: { ReservedConcurrentExecutions: Match.anyValue() },
        }),
      ),
    ).toHaveLength(0);
  });

  test('rejects a stack region that is not one of regions', () => {
    const stack = stackIn('ap-southeast-2');
    expect(() => new RegionalApi(stack, 'Api', propsFor(stack))).toThrow(
      'regional api region ap-southeast-2 is not one of regions (us-east-1, eu-west-1); add it to regions',
    );
  });

  test('rejects a stack without an explicit region', () => {
    const stack = stackIn();
    expect(() => new RegionalApi(stack, 'Api', propsFor(stack))).toThrow(
      'regional api needs a stack with an explicit region; set env.region on the stack',
    );
  });

  test("with an OIDC provider: API Gateway's JWT authorizer, no token function", () => {
    const stack = stackIn('eu-west-1');
    const api = new RegionalApi(
      stack,
      'Api',
      propsFor(stack, { jwt: { issuer: 'https://auth.example.com', audience: ['shop'] } }),
    );
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://auth.example.com', Audience: ['shop'] },
    });
    expect(api.authorizer.function).toBeUndefined();
    template.resourcePropertiesCountIs(
      'AWS::ApiGatewayV2::Route',
      { AuthorizationType: 'AWS_IAM' },
      0,
    );
  });

  test('GET /openapi.json: the API function, no token, its own throttle; the document names the issuer', () => {
    // GIVEN an OIDC provider and a health path of its own WHEN the API is built
    const stack = stackIn('eu-west-1');
    const api = new RegionalApi(
      stack,
      'Api',
      propsFor(stack, {
        healthPath: '/healthz',
        jwt: { issuer: 'https://auth.example.com', audience: ['shop'] },
      }),
    );
    // THEN the route is open and throttled, and the function knows what its document names
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /openapi.json',
      AuthorizationType: 'NONE',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: Match.objectLike({
        'GET /openapi.json': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        'GET /healthz': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      }),
    });
    const functionId = stack.getLogicalId(api.function.node.defaultChild as CfnResource);
    expect(template.toJSON().Resources[functionId].Properties.Environment.Variables).toMatchObject({
      HEALTH_PATH: '/healthz',
      API_JWT_ISSUER: 'https://auth.example.com',
    });
  });
});
