import type { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import {
  apiDescriptionFromConfig,
  apiDescriptionSettingsOf,
} from '../../../lambda/contract/api-description';
import { parseEnvironment } from '../../../lambda/contract/environment';
import type { RegionStack } from '../../../lib/stacks/region-stack';
import { buildTestApp, testConfig } from '../../helpers/app';

/** Logical id of a construct's CloudFormation resource. */
function logicalIdOf(stack: RegionStack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

/** Every authorized route the API serves, as route keys. */
const API_ROUTE_KEYS = [
  'GET /v1/tenants/{tenant}/counters/{name}',
  'POST /v1/tenants/{tenant}/counters/{name}',
  'GET /v1/tenants/{tenant}/sets/{name}',
  'POST /v1/tenants/{tenant}/sets/{name}',
  'GET /v1/tenants/{tenant}/profiles/{id}',
  'PUT /v1/tenants/{tenant}/profiles/{id}',
  'PATCH /v1/tenants/{tenant}/profiles/{id}',
  'GET /v1/tenants/{tenant}/carts/{id}',
  'POST /v1/tenants/{tenant}/carts/{id}',
  'GET /v1/tenants/{tenant}/accounts/{id}',
  'POST /v1/tenants/{tenant}/accounts/{id}/entries',
  'GET /v1/reconciliation',
  'POST /v1/reconciliation/{case}/resolve',
  'GET /v1/tenants/{tenant}/home',
  'PUT /v1/tenants/{tenant}/home',
];

/** Route key -> route properties. */
function routesOf(template: Template): Map<string, Record<string, unknown>> {
  return new Map(
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => [
      route.Properties.RouteKey as string,
      route.Properties as Record<string, unknown>,
    ]),
  );
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

  describe('API', () => {
    test('the API function: latest Node.js runtime, arm64, configured by environment', () => {
      const [apiFunction] = Object.values(
        secondary.findResources('AWS::Lambda::Function', {
          Properties: { Description: 'Active-active regional API' },
        }),
      );
      expect(apiFunction?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: {
            TABLE_NAME: 'active-active-data',
            APP_REGIONS: 'us-east-1,eu-west-1,ap-southeast-2',
            PRIMARY_REGION: 'us-east-1',
            APP_NAME: 'active-active',
            PUBLIC_NAME: 'api.example.com',
            SESSION_KEY_SECRET_ID: 'active-active/session-key',
            POWERTOOLS_SERVICE_NAME: 'active-active',
            POWERTOOLS_METRICS_NAMESPACE: 'ActiveActive',
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

    test('GET and HEAD /health are routed to the function without authorization', () => {
      const routes = routesOf(secondary);
      for (const key of ['GET /health', 'HEAD /health']) {
        expect(routes.get(key)).toMatchObject({ AuthorizationType: 'NONE' });
        expect(routes.get(key)?.AuthorizerId).toBeUndefined();
      }
      secondary.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    });

    test('exactly the API routes plus /health and /openapi.json, no CORS', () => {
      expect([...routesOf(secondary).keys()].sort()).toEqual(
        [...API_ROUTE_KEYS, 'GET /health', 'HEAD /health', 'GET /openapi.json'].sort(),
      );
      secondary.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.absent(),
      });
    });

    test("GET /openapi.json: the API function, no authorization, the config's document", () => {
      const functionId = logicalIdOf(stacks[1]!, stacks[1]!.api.function);
      const route = routesOf(secondary).get('GET /openapi.json');
      expect(route).toMatchObject({ AuthorizationType: 'NONE' });
      const integration = JSON.stringify(route?.Target).match(/"Ref":"([^"]+)"/)?.[1] as string;
      expect(secondary.toJSON().Resources[integration].Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [functionId, 'Arn'],
      });
      secondary.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        RouteSettings: Match.objectLike({
          'GET /openapi.json': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        }),
      });
      // the function learns the names of the config docs/openapi.json is generated for
      const env = secondary.toJSON().Resources[functionId].Properties.Environment.Variables;
      const config = parseEnvironment('api', { ...env, AWS_REGION: 'eu-west-1' });
      expect(apiDescriptionSettingsOf(config)).toEqual(apiDescriptionFromConfig(testConfig()));
    });

    test('every API route is integrated with the API function and authorized by the token authorizer', () => {
      const functionId = logicalIdOf(stacks[1]!, stacks[1]!.api.function);
      const integrations = secondary.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: { IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] } },
      });
      const routes = routesOf(secondary);
      const [authorizerId] = Object.keys(secondary.findResources('AWS::ApiGatewayV2::Authorizer'));
      for (const key of API_ROUTE_KEYS) {
        const route = routes.get(key);
        expect(route).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizerId },
        });
        const target = JSON.stringify(route?.Target);
        expect(Object.keys(integrations).some((id) => target.includes(id))).toBe(true);
      }
      secondary.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: 300,
      });
      secondary.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'Active-active API authorizer (the app API tokens)',
        Environment: {
          Variables: {
            API_TOKEN_SECRET_ID: 'active-active/api-token-key',
            API_TOKEN_ISSUER: 'active-active',
            API_TOKEN_AUDIENCE: 'api.example.com',
          },
        },
      });
    });

    test('API Gateway may invoke the function on each route only', () => {
      const functionId = logicalIdOf(stacks[1]!, stacks[1]!.api.function);
      const sourceArns = Object.values(
        secondary.findResources('AWS::Lambda::Permission', {
          Properties: { FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] } },
        }),
      ).map((permission) => JSON.stringify(permission.Properties.SourceArn));
      const paths = [...new Set(API_ROUTE_KEYS.map((k) => k.split(' ')[1]))];
      for (const path of paths) {
        expect(sourceArns.some((arn) => arn.includes(`"/*/*${path}"`))).toBe(true);
      }
      expect(sourceArns.every((arn) => !arn.includes('"/*/*/*"'))).toBe(true);
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

    test('IAM: reads and writes on every replica by ARN, deletes only locally, never the control partition', () => {
      const table = (region: string) =>
        `arn:aws:dynamodb:${region}:123456789012:table/active-active-data`;
      const regions = ['ap-southeast-2', 'eu-west-1', 'us-east-1']; // sorted by the CDK
      secondary.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: logicalIdOf(stacks[1]!, stacks[1]!.api.function.role!) }],
        PolicyDocument: {
          Statement: Match.arrayEquals([
            {
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiFunctionLogs'), 'Arn'] },
            },
            {
              Sid: 'ReadReplicas',
              Action: ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'],
              Effect: 'Allow',
              Resource: regions.flatMap((region) => [table(region), `${table(region)}/index/*`]),
            },
            {
              Sid: 'WriteReplicas',
              Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
              Effect: 'Allow',
              Resource: regions.map(table),
            },
            {
              Sid: 'DeleteInLocalReplica',
              Action: 'dynamodb:DeleteItem',
              Effect: 'Allow',
              Resource: table('eu-west-1'),
            },
            {
              // idempotency claims are released in the tenant's home replica ([K])
              Sid: 'ReleaseClaimsInOtherReplicas',
              Action: 'dynamodb:DeleteItem',
              Effect: 'Allow',
              Resource: [table('ap-southeast-2'), table('us-east-1')],
              Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['I#*'] } },
            },
            {
              Sid: 'NoControlPartitionWrites',
              Action: [
                'dynamodb:BatchWriteItem',
                'dynamodb:DeleteItem',
                'dynamodb:PutItem',
                'dynamodb:UpdateItem',
              ],
              Effect: 'Deny',
              Resource: regions.map(table),
              Condition: {
                'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['__control__'] },
              },
            },
            {
              Sid: 'ReadSessionKey',
              Action: 'secretsmanager:GetSecretValue',
              Effect: 'Allow',
              Resource:
                'arn:aws:secretsmanager:eu-west-1:123456789012:secret:active-active/session-key-??????',
            },
          ]),
        },
      });
      // no managed policies: the role carries only the inline policy above
      secondary.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
        ManagedPolicyArns: Match.absent(),
      });
    });

    test('IAM: the primary reads the session key in its own region', () => {
      primary.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'ReadSessionKey',
              Resource:
                'arn:aws:secretsmanager:us-east-1:123456789012:secret:active-active/session-key-??????',
            }),
          ]),
        },
      });
    });
  });
});

describe('RegionStack with JWT authorization', () => {
  // GIVEN a config with a JWT issuer and audiences WHEN synthesized once
  let template: Template;
  beforeAll(() => {
    const config = testConfig({
      api: { jwt: { issuer: 'https://auth.example.com/', audience: ['aa-api', 'aa-cli'] } },
    });
    template = Template.fromStack(buildTestApp(config).stacks.regions[1]!);
  });

  test('one JWT authorizer with the issuer and audiences from config', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['aa-api', 'aa-cli'] },
    });
  });

  test('every API route uses it; /health stays open', () => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    const routes = routesOf(template);
    for (const key of API_ROUTE_KEYS) {
      expect(routes.get(key)).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
    expect(routes.get('GET /health')).toMatchObject({ AuthorizationType: 'NONE' });
    expect(routes.get('HEAD /health')).toMatchObject({ AuthorizationType: 'NONE' });
  });
});

describe('RegionStack fencing mode', () => {
  test('transactions by default; read-then-write on a multi-region strong consistency table', () => {
    const fencingOf = (config: ReturnType<typeof testConfig>) =>
      (
        Object.values(
          Template.fromStack(buildTestApp(config).stacks.regions[0]!).findResources(
            'AWS::Lambda::Function',
            {
              Properties: { Environment: { Variables: { FENCING: Match.anyValue() } } },
            },
          ),
        )[0]?.Properties.Environment.Variables as Record<string, string>
      ).FENCING;
    expect(fencingOf(testConfig())).toBe('transaction');
    expect(
      fencingOf(
        testConfig({
          regions: ['us-east-1', 'us-east-2', 'us-west-2'],
          primaryRegion: 'us-east-1',
          multiRegionStrongConsistency: true,
        }),
      ),
    ).toBe('read-then-write');
  });
});
