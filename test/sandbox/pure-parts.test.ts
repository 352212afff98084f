import { clockArgument } from '../../lib/ops/cli/sandbox-commands';
import { passesFilters } from '../../lib/ops/sandbox/event-filter';
import { checkIsHealthy, recordResult, statusTextOf } from '../../lib/ops/sandbox/health-checks';
import { resolveValue, type ResolveContext } from '../../lib/ops/sandbox/intrinsics';
import { MetricStore, statistic } from '../../lib/ops/sandbox/metric-store';
import { buildEvent, selectRoute, toResponse } from '../../lib/ops/sandbox/region/apigw';
import type { RouteSpec } from '../../lib/ops/sandbox/region/protocol';
import { checkerTimeoutOf } from '../../lib/ops/sandbox/region-health';
import { scaledEnvironment } from '../../lib/ops/sandbox/region-hosts';
import { credentialScopeOf, withAccessKey } from '../../lib/ops/sandbox/sigv4';
import { scheduleRateMs } from '../../lib/ops/sandbox/templates/region-stack';

const route = (routeKey: string, fn: RouteSpec['function'] = 'api'): RouteSpec => {
  const [method = 'ANY', path = '$default'] = routeKey.split(' ');
  return { method, path, routeKey, function: fn, authorized: fn !== 'health' };
};

describe('API Gateway HTTP API routing and events', () => {
  const routes = [
    route('GET /health', 'health'),
    route('GET /v1/tenants/{tenant}/home'),
    route('PUT /v1/tenants/{tenant}/home'),
    route('GET /v1/tenants/acme/home'),
    route('ANY /files/{proxy+}'),
  ];
  test('the most specific route wins; parameters are decoded', () => {
    expect(selectRoute(routes, 'get', '/v1/tenants/acme/home')?.route.routeKey).toBe(
      'GET /v1/tenants/acme/home',
    );
    expect(selectRoute(routes, 'PUT', '/v1/tenants/a%20b/home')).toMatchObject({
      route: { routeKey: 'PUT /v1/tenants/{tenant}/home' },
      pathParameters: { tenant: 'a b' },
    });
    expect(selectRoute(routes, 'POST', '/files/a/b')?.pathParameters).toEqual({ proxy: 'a/b' });
    expect(selectRoute(routes, 'DELETE', '/v1/tenants/x/home')).toBeUndefined();
    expect(selectRoute(routes, 'GET', '/v1/tenants/x/home/extra')).toBeUndefined();
  });

  test('the v2 event carries lower-case headers, query, path parameters and the authorizer context', () => {
    const matched = selectRoute(routes, 'PUT', '/v1/tenants/t1/home')!;
    const event = buildEvent(
      {
        method: 'PUT',
        url: '/v1/tenants/t1/home?a=1&a=2',
        headers: { 'Content-Type': 'application/json', Host: 'api.example.com' },
        body: Buffer.from('{"home":"eu-west-1"}'),
        sourceIp: '127.0.0.1',
      },
      matched,
      { accountId: '1', apiId: 'api', requestId: 'r1', nowMs: Date.UTC(2026, 0, 2, 3, 4, 5) },
      { subject: 'dev' },
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'PUT /v1/tenants/{tenant}/home',
      rawPath: '/v1/tenants/t1/home',
      rawQueryString: 'a=1&a=2',
      queryStringParameters: { a: '1,2' },
      pathParameters: { tenant: 't1' },
      headers: { 'content-type': 'application/json', host: 'api.example.com' },
      body: '{"home":"eu-west-1"}',
      isBase64Encoded: false,
      requestContext: {
        authorizer: { lambda: { subject: 'dev' } },
        http: { method: 'PUT' },
        time: '02/Jan/2026:03:04:05 +0000',
        stage: '$default',
      },
    });
  });

  test('results become responses as API Gateway makes them', () => {
    expect(
      toResponse({ statusCode: 201, headers: { 'X-A': 'b' }, body: 'aGk=', isBase64Encoded: true }),
    ).toEqual({ statusCode: 201, headers: { 'x-a': 'b' }, body: Buffer.from('hi') });
    expect(toResponse({ ok: true })).toMatchObject({
      statusCode: 200,
      body: Buffer.from('{"ok":true}'),
    });
    expect(toResponse({ statusCode: 'x' }).statusCode).toBe(500);
  });
});

describe('Route 53 health-check thresholds', () => {
  test('a checker changes its mind after threshold consecutive results; the check needs more than 18% healthy checkers', () => {
    const checker = { healthy: true, streak: 0 };
    recordResult(checker as never, false, 2);
    expect(checker.healthy).toBe(true);
    recordResult(checker as never, false, 2);
    expect(checker.healthy).toBe(false);
    recordResult(checker as never, true, 2);
    recordResult(checker as never, false, 2);
    expect(checker.healthy).toBe(false);
    const checkers = (healthy: number) =>
      Array.from({ length: 8 }, (_, index) => ({ healthy: index < healthy }));
    expect(
      checkIsHealthy({ checkers: checkers(1) as never, inverted: false, disabled: false }),
    ).toBe(false);
    expect(
      checkIsHealthy({ checkers: checkers(2) as never, inverted: false, disabled: false }),
    ).toBe(true);
    expect(
      checkIsHealthy({ checkers: checkers(8) as never, inverted: true, disabled: false }),
    ).toBe(false);
    expect(
      checkIsHealthy({ checkers: checkers(0) as never, inverted: false, disabled: true }),
    ).toBe(true);
  });

  test('status texts read as Route 53 writes them (aactl reads the leading Success/Failure)', () => {
    expect(statusTextOf({ statusCode: 200 }, '127.0.0.1')).toBe(
      'Success: HTTP Status Code 200, OK',
    );
    expect(statusTextOf({ statusCode: 503 }, '127.0.0.1')).toMatch(
      /^Failure: HTTP Status Code 503/,
    );
    expect(statusTextOf({ error: 'ETIMEDOUT' }, '127.0.0.1')).toMatch(
      /^Failure: Connection timed out/,
    );
  });
});

describe('small readers', () => {
  test('Lambda event filters: equality, prefix, any pattern', () => {
    const record = {
      dynamodb: { NewImage: { region: { S: 'eu-west-1' }, sk: { S: 'heartbeat#us-east-1' } } },
    };
    expect(
      passesFilters(record, [{ dynamodb: { NewImage: { region: { S: ['us-east-1'] } } } }]),
    ).toBe(false);
    expect(
      passesFilters(record, [
        { dynamodb: { NewImage: { region: { S: ['us-east-1'] } } } },
        { dynamodb: { NewImage: { sk: { S: [{ prefix: 'heartbeat#' }] } } } },
      ]),
    ).toBe(true);
    expect(
      passesFilters({ dynamodb: {} }, [
        { dynamodb: { NewImage: { region: { S: ['eu-west-1'] } } } },
      ]),
    ).toBe(false);
  });

  test('intrinsics resolve as a deploy would', () => {
    const ctx: ResolveContext = {
      region: 'eu-west-1',
      accountId: '123',
      stackName: 's',
      ref: (id) => (id === 'Table' ? 'data' : undefined),
      getAtt: (id, attribute) => `${id}.${attribute}`,
    };
    expect(resolveValue({ 'Fn::Join': ['', ['{"t":"', { Ref: 'Table' }, '"}']] }, ctx)).toBe(
      '{"t":"data"}',
    );
    expect(resolveValue({ 'Fn::Sub': 'arn:${AWS::Region}:${Table}:${Fn.Arn}' }, ctx)).toBe(
      'arn:eu-west-1:data:Fn.Arn',
    );
    expect(() => resolveValue({ Ref: 'Nope' }, ctx)).toThrow(
      'Ref Nope is not known in the sandbox',
    );
  });

  test('SigV4 credential scopes, schedules, clock offsets', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x';
    expect(credentialScopeOf(header)).toEqual({
      accessKeyId: 'AKID',
      date: '20260101',
      region: 'eu-west-1',
      service: 'dynamodb',
    });
    expect(withAccessKey(header, 'sandbox')).toContain('Credential=sandbox/20260101/');
    expect(scheduleRateMs('rate(1 minute)')).toBe(60_000);
    expect(() => scheduleRateMs('cron(0 * * * ? *)')).toThrow('rate() schedules only');
    expect(clockArgument('+5000')).toEqual({ ms: 5000, relative: true });
    expect(clockArgument('-2s')).toEqual({ ms: -2000, relative: true });
    expect(clockArgument('0')).toEqual({ ms: 0, relative: false });
  });

  test('CloudWatch statistics and embedded metric format', () => {
    expect(statistic('p99', [1, 2, 3, 100])).toBe(100);
    expect(statistic('Average', [1, 3])).toBe(2);
    const store = new MetricStore();
    store.putEmf({
      _aws: {
        Timestamp: 60_000,
        CloudWatchMetrics: [
          { Namespace: 'N', Dimensions: [['region']], Metrics: [{ Name: 'M', Unit: 'Count' }] },
        ],
      },
      region: 'r',
      M: [1, 2],
    });
    expect(
      store.query({
        namespace: 'N',
        name: 'M',
        dimensions: { region: 'r' },
        stat: 'Sum',
        periodSeconds: 60,
        startMs: 0,
        endMs: 120_000,
      }),
    ).toEqual({ timestamps: [60_000], values: [3] });
  });

  test("scaled intervals: the divergence grace period, the checkers' timeout", () => {
    expect(
      scaledEnvironment(
        { DIVERGENCE_GRACE_MS: '300000', TABLE_NAME: 't', HEALTH_TIMEOUT_MS: '1000' },
        0.1,
      ),
    ).toEqual({ DIVERGENCE_GRACE_MS: '30000', TABLE_NAME: 't', HEALTH_TIMEOUT_MS: '1000' });
    expect(scaledEnvironment({ DIVERGENCE_GRACE_MS: '5000' }, 0.01).DIVERGENCE_GRACE_MS).toBe(
      '1000',
    );
    // Route 53 waits 2 s for an answer; scaled down, a checker waits at most 80% of its interval,
    // so a black-holed region is detected within interval x threshold + one interval
    expect(checkerTimeoutOf(10_000)).toBe(2000);
    expect(checkerTimeoutOf(1_000)).toBe(800);
    expect(checkerTimeoutOf(100)).toBe(200);
  });
});
