import { Aspects, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { parseEnvironment } from '../../lambda/contract/environment';
import { makeHealthHandler } from '../../lambda/handlers/health-function';
import type { ActiveActiveStacks } from '../../lib/app';
import { parseConfig } from '../../lib/config';
import {
  environmentSizeOf,
  FunctionEnvironmentLimit,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from '../../lib/constructs/function-environment';
import { billedResourcesOf } from '../../lib/ops/cost/billed-resources';
import { buildTestApp, testApp, TEST_ACCOUNT } from '../helpers/app';
import { billedResourcesIn } from '../helpers/billed-resources';
import { LARGEST_CONFIG_INPUT } from '../helpers/largest-config';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/**
 * The largest config the schema accepts (12 regions, 50 critical entities of 128-character ids,
 * every optional setting, a non-default health path) must be deployable. This fast test checks
 * it in TypeScript; test/lib/largest-config.integration.test.ts runs cfn-lint over the same app.
 */
describe('the largest valid config', () => {
  let stacks: ActiveActiveStacks;
  let templates: Array<{ name: string; stack: Stack; resources: Resources }>;
  beforeAll(() => {
    ({ stacks } = buildTestApp(parseConfig(LARGEST_CONFIG_INPUT)));
    templates = [stacks.data, ...stacks.regions, stacks.global].map((stack) => ({
      name: stack.stackName,
      stack,
      resources: (Template.fromStack(stack).toJSON() as { Resources: Resources }).Resources,
    }));
  });

  test('synthesizes a data stack, 12 region stacks and the global stack', () => {
    expect(templates).toHaveLength(14);
  });

  test(`every function environment fits Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes`, () => {
    const sizes = templates.flatMap(({ name, resources }) =>
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
        .map(([id, resource]) => {
          const environment = resource.Properties.Environment as
            { Variables?: Record<string, unknown> } | undefined;
          return {
            fn: `${name}/${id}`,
            bytes: environmentSizeOf(environment?.Variables ?? {}).total,
          };
        }),
    );
    expect(sizes.length).toBeGreaterThan(60);
    expect(sizes.filter(({ bytes }) => bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES)).toEqual([]);
  });

  test('the cost model counts what 12 regions create (log keys on, an OIDC provider)', () => {
    expect(billedResourcesIn(stacks)).toEqual(
      billedResourcesOf({ regions: 12, customerManagedLogKey: true, ownApiTokens: false }),
    );
  });

  test('the 50 critical entities travel in the data stack item, in no environment', () => {
    const data = JSON.stringify(templates[0]!.resources);
    expect(data).toContain('tenant-049-xxx');
    for (const { resources } of templates.slice(1)) {
      expect(JSON.stringify(resources)).not.toContain('tenant-049-xxx');
    }
  });

  test('the health path from config reaches Route 53, API Gateway and the handler', async () => {
    // GIVEN the synthesized eu-west-2 stack
    const region = 'eu-west-2';
    const { resources } = templates.find(({ stack }) => stack.region === region)!;
    const of = (type: string) =>
      Object.values(resources).filter((resource) => resource.Type === type);
    // THEN Route 53 probes the configured path, API Gateway routes it
    const [healthCheck] = of('AWS::Route53::HealthCheck');
    expect(healthCheck?.Properties.HealthCheckConfig).toMatchObject({
      ResourcePath: '/healthz/deep',
    });
    expect(of('AWS::ApiGatewayV2::Route').map((route) => route.Properties.RouteKey)).toEqual(
      expect.arrayContaining(['GET /healthz/deep', 'HEAD /healthz/deep']),
    );
    // AND the deployed function, built from its deployed environment, answers exactly that path
    const healthFunction = of('AWS::Lambda::Function').find((fn) =>
      String(fn.Properties.Description).includes('health check'),
    );
    const environment = (
      healthFunction?.Properties.Environment as {
        Variables: Record<string, string>;
      }
    ).Variables;
    const handler = makeHealthHandler({
      config: parseEnvironment('health', { ...environment, AWS_REGION: region }),
      probe: { readDrainFlag: async () => ({ drained: false }) },
      now: () => 0,
      logError: () => undefined,
    });
    const get = (rawPath: string) =>
      handler({
        rawPath,
        headers: {},
        isBase64Encoded: false,
        requestContext: { http: { method: 'GET' }, requestId: 'r' },
      });
    expect(
      (await get(healthCheck?.Properties.HealthCheckConfig as never as string)).statusCode,
    ).toBeDefined();
    expect((await get('/healthz/deep')).statusCode).toBe(200);
    expect((await get('/health')).statusCode).toBe(404);
  });
});

describe('the function environment limit', () => {
  test('fails synth naming the function, the size and the largest variables', () => {
    // GIVEN a function whose environment is over 4 KB
    const app = testApp();
    const stack = new Stack(app, 'Big', { env: { account: TEST_ACCOUNT, region: 'eu-west-1' } });
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
      environment: { CRITICAL_ENTITIES: 'x'.repeat(4663), SMALL: 'y' },
    });
    // WHEN the app with the aspect is synthesized THEN synth fails before any deploy
    Aspects.of(app).add(new FunctionEnvironmentLimit());
    expect(() => app.synth()).toThrow(
      "[Big/Fn/Resource] function environment is 4686 bytes, over Lambda's 4096-byte limit (largest: CRITICAL_ENTITIES 4680, SMALL 6); shorten the config values behind them, or move lists from config into a table item or SSM parameter",
    );
  });

  test('counts UTF-8 bytes of names and values', () => {
    expect(environmentSizeOf({ A: 'é', BB: 'x' })).toEqual({
      total: 6,
      byName: [
        ['A', 3],
        ['BB', 3],
      ],
    });
  });
});
