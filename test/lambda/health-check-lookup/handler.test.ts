import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';
import {
  healthCheckIdsOf,
  makeHandler,
  type TaggedHealthCheck,
} from '../../../lambda/health-check-lookup/handler';

const tagged = (id: string, app: string, region: string): TaggedHealthCheck => ({
  id,
  tags: { 'aa:app': app, 'aa:region': region, Name: `${app}-${region}` },
});

const CHECKS = [
  tagged('hc-us', 'shop', 'us-east-1'),
  tagged('hc-eu', 'shop', 'eu-west-1'),
  tagged('hc-other-app', 'blog', 'eu-west-1'),
  { id: 'hc-untagged', tags: {} },
];

describe('healthCheckIdsOf', () => {
  test('finds each region by the app and region tags', () => {
    expect(healthCheckIdsOf(CHECKS, 'shop', ['us-east-1', 'eu-west-1'])).toEqual({
      ids: { 'us-east-1': 'hc-us', 'eu-west-1': 'hc-eu' },
      problems: [],
    });
  });

  test('names a missing region and an ambiguous one, with the fix', () => {
    const { problems } = healthCheckIdsOf(
      [...CHECKS, tagged('hc-eu-2', 'shop', 'eu-west-1')],
      'shop',
      ['eu-west-1', 'ap-southeast-2'],
    );
    expect(problems).toEqual([
      '2 health checks are tagged aa:app=shop, aa:region=eu-west-1 (hc-eu, hc-eu-2); delete the ones no stack owns',
      "no health check tagged aa:app=shop, aa:region=ap-southeast-2; deploy that region's stack first",
    ]);
  });
});

describe('Custom::HealthCheckIds handler', () => {
  function event(
    type: 'Create' | 'Update' | 'Delete',
    properties: Record<string, unknown>,
  ): CloudFormationCustomResourceEvent {
    return {
      RequestType: type,
      ServiceToken: 'arn',
      ResponseURL: 'https://cfn.example/response',
      StackId: 'stack',
      RequestId: 'req',
      LogicalResourceId: 'HealthChecks',
      ResourceType: 'Custom::HealthCheckIds',
      ResourceProperties: { ServiceToken: 'arn', ...properties },
      ...(type === 'Create'
        ? {}
        : { PhysicalResourceId: 'health-check-ids', OldResourceProperties: {} }),
    } as CloudFormationCustomResourceEvent;
  }

  function run(checks: TaggedHealthCheck[] | Error) {
    const responses: CloudFormationCustomResourceResponse[] = [];
    const handler = makeHandler({
      listTaggedHealthChecks: () =>
        checks instanceof Error ? Promise.reject(checks) : Promise.resolve(checks),
      respond: async (_, response) => {
        responses.push(response);
      },
      log: () => undefined,
    });
    return { handler, responses };
  }

  test('answers the ids as attributes, on create and on every update', async () => {
    const { handler, responses } = run(CHECKS);
    await handler(event('Create', { App: 'shop', Regions: ['us-east-1', 'eu-west-1'] }));
    await handler(event('Update', { App: 'shop', Regions: ['eu-west-1'], DeployId: 'x' }));
    expect(responses.map((response) => [response.Status, response.Data])).toEqual([
      ['SUCCESS', { 'us-east-1': 'hc-us', 'eu-west-1': 'hc-eu' }],
      ['SUCCESS', { 'eu-west-1': 'hc-eu' }],
    ]);
    expect(responses[0]?.PhysicalResourceId).toBe('health-check-ids');
  });

  test('fails the deploy with the reason when a region has no health check', async () => {
    const { handler, responses } = run(CHECKS);
    await handler(event('Update', { App: 'shop', Regions: ['sa-east-1'] }));
    expect(responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('aa:region=sa-east-1'),
    });
  });

  test('always answers: an SDK error fails the resource instead of hanging the stack', async () => {
    const { handler, responses } = run(new Error('Rate exceeded'));
    await handler(event('Create', { App: 'shop', Regions: ['us-east-1'] }));
    expect(responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: 'health check lookup failed: Rate exceeded',
    });
  });

  test('delete succeeds without looking anything up', async () => {
    const { handler, responses } = run(new Error('must not be called'));
    await handler(event('Delete', { App: 'shop', Regions: ['us-east-1'] }));
    expect(responses[0]?.Status).toBe('SUCCESS');
  });
});
