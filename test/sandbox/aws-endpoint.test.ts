import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Agent } from 'node:http';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  ChangeTagsForResourceCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListHealthChecksCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourcesCommand,
  Route53Client,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AlarmSpec, HealthCheckSpec, StackSpec } from '../../lib/ops/sandbox/deployment';
import { startEndpoint } from '../../lib/ops/sandbox/endpoint/server';
import { HealthCheckers } from '../../lib/ops/sandbox/health-checks';
import { evaluateAlarm, MetricStore } from '../../lib/ops/sandbox/metric-store';
import { credentialScopeOf } from '../../lib/ops/sandbox/sigv4';
import { appRecords, REGIONS, ZONE } from './support/records';

/**
 * The sandbox's AWS endpoint as the AWS SDK (what aactl uses) calls it: one URL for Route 53's
 * REST XML, CloudFormation's query protocol and the JSON protocols (`X-Amz-Target`), the region
 * taken from each request's SigV4 credential scope, DynamoDB forwarded to DynamoDB Local (here a
 * stand-in that records what it receives).
 */
const healthCheck = (region: string): HealthCheckSpec => ({
  id: `hc-${region}`,
  stackRegion: region,
  type: 'HTTPS',
  fqdn: `${region}.api.example.com`,
  port: 443,
  resourcePath: '/health',
  requestIntervalSeconds: 10,
  failureThreshold: 2,
  checkerRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  inverted: false,
  disabled: false,
  enableSni: true,
  measureLatency: false,
  tags: { 'aa:app': 'shop', 'aa:region': region },
});
const stacks: StackSpec[] = REGIONS.map((region) => ({
  stackName: `shop-region-${region}`,
  region,
  outputs: { WritePolicy: `{"region":"${region}"}` },
}));
const alarm = (region: string): AlarmSpec => ({
  region,
  name: `shop-${region}-api-5xx`,
  namespace: 'Shop',
  metricName: 'Errors',
  dimensions: { region },
  statistic: 'Sum',
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0,
  comparison: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
});

describe('the AWS endpoint answers every call aactl makes, in the region of its credential scope', () => {
  const metrics = new MetricStore();
  const checkers = new HealthCheckers(REGIONS.map(healthCheck), () => undefined, {
    scale: 1,
    timeoutMs: 100,
  });
  const upstream: { authorization?: string; target?: string }[] = [];
  let dynamoLocal: Server;
  let endpoint: { server: Server; port: number };
  const controls: [string, unknown][] = [];
  const credentials = { accessKeyId: 'AKIDOPERATOR', secretAccessKey: 'secret' };
  const config = (region: string) => ({
    region,
    endpoint: `http://127.0.0.1:${endpoint.port}`,
    credentials,
    maxAttempts: 1,
  });

  beforeAll(async () => {
    dynamoLocal = createServer((request: IncomingMessage, response) => {
      upstream.push({
        authorization: request.headers.authorization,
        target: String(request.headers['x-amz-target']),
      });
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ TableNames: ['shop-data'] }));
      });
    });
    await new Promise<void>((resolve) => dynamoLocal.listen(0, '127.0.0.1', resolve));
    const dynamoPort = (dynamoLocal.address() as { port: number }).port;
    await checkers.probeAll();
    endpoint = await startEndpoint(
      {
        route53: {
          checks: checkers,
          records: appRecords('latency'),
          hostedZoneId: ZONE,
          answer: (name, type, subnet) => ({
            code: 'NOERROR',
            type,
            values: [subnet === '54.246.90.0' ? '127.1.0.2' : '127.1.0.1'],
            ttlSeconds: 6,
            path: [name],
          }),
        },
        stacks,
        dynamo: {
          endpoint: `http://127.0.0.1:${dynamoPort}`,
          namespace: 'sandbox',
          agent: new Agent({ keepAlive: false }),
        },
        startedAt: new Date(0),
        metrics,
        alarms: REGIONS.map(alarm),
        alarmState: (spec) => evaluateAlarm(metrics, spec, Date.now(), 1),
        secretValue: (name, region) =>
          name === 'shop/api-token-key' && region !== 'ap-southeast-2'
            ? { arn: `arn:aws:secretsmanager:${region}:1:secret:${name}`, name, value: 'v' }
            : undefined,
        accountId: '123456789012',
        control: async (command, input) => {
          controls.push([command, input]);
          return { ok: command };
        },
      },
      0,
    );
  });
  afterAll(async () => {
    await new Promise((resolve) => endpoint.server.close(resolve));
    await new Promise((resolve) => dynamoLocal.close(resolve));
  });

  test('Route 53 (REST XML): health checks, their tags, status and the real observations, records, TestDNSAnswer', async () => {
    const route53 = new Route53Client(config('us-east-1'));
    const list = await route53.send(new ListHealthChecksCommand({}));
    expect(list.HealthChecks?.map((check) => check.Id)).toEqual([
      'hc-ap-southeast-2',
      'hc-eu-west-1',
      'hc-us-east-1',
    ]);
    expect(list.HealthChecks?.[0]?.HealthCheckConfig).toMatchObject({
      RequestInterval: 10,
      FailureThreshold: 2,
      ResourcePath: '/health',
      Inverted: false,
    });
    const tags = await route53.send(
      new ListTagsForResourcesCommand({
        ResourceType: 'healthcheck',
        ResourceIds: ['hc-eu-west-1'],
      }),
    );
    expect(tags.ResourceTagSets?.[0]?.Tags).toEqual([
      { Key: 'aa:app', Value: 'shop' },
      { Key: 'aa:region', Value: 'eu-west-1' },
    ]);
    const status = await route53.send(
      new GetHealthCheckStatusCommand({ HealthCheckId: 'hc-eu-west-1' }),
    );
    expect(status.HealthCheckObservations?.map((o) => o.Region)).toEqual([
      'us-east-1',
      'eu-west-1',
      'ap-southeast-2',
    ]);
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.Status).toMatch(
      /^Failure: Connection refused/,
    );
    const records = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: `/hostedzone/${ZONE}` }),
    );
    expect(
      records.ResourceRecordSets?.filter((set) => set.Name === 'latency.api.example.com.').map(
        (set) => [set.Region, set.HealthCheckId, set.AliasTarget?.EvaluateTargetHealth],
      ),
    ).toEqual([
      ['ap-southeast-2', 'hc-ap-southeast-2', true],
      ['eu-west-1', 'hc-eu-west-1', true],
      ['us-east-1', 'hc-us-east-1', true],
    ]);
    const answer = await route53.send(
      new TestDNSAnswerCommand({
        HostedZoneId: ZONE,
        RecordName: 'api.example.com',
        RecordType: 'A',
        EDNS0ClientSubnetIP: '54.246.90.0',
      }),
    );
    expect(answer).toMatchObject({ RecordData: ['127.1.0.2'], ResponseCode: 'NOERROR' });
  });

  test('Route 53: UpdateHealthCheck inverts with HealthCheckVersion (a stale version is refused), ChangeTagsForResource', async () => {
    const route53 = new Route53Client(config('us-east-1'));
    const { HealthCheck } = await route53.send(
      new GetHealthCheckCommand({ HealthCheckId: 'hc-us-east-1' }),
    );
    const version = HealthCheck?.HealthCheckVersion ?? 0;
    expect(checkers.isHealthy('hc-us-east-1')).toBe(true);
    const updated = await route53.send(
      new UpdateHealthCheckCommand({
        HealthCheckId: 'hc-us-east-1',
        Inverted: true,
        HealthCheckVersion: version,
      }),
    );
    expect(updated.HealthCheck).toMatchObject({
      HealthCheckVersion: version + 1,
      HealthCheckConfig: { Inverted: true },
    });
    expect(checkers.isHealthy('hc-us-east-1')).toBe(false);
    await expect(
      route53.send(
        new UpdateHealthCheckCommand({
          HealthCheckId: 'hc-us-east-1',
          Inverted: false,
          HealthCheckVersion: version,
        }),
      ),
    ).rejects.toMatchObject({ name: 'HealthCheckVersionMismatch' });
    await route53.send(
      new UpdateHealthCheckCommand({ HealthCheckId: 'hc-us-east-1', Inverted: false }),
    );
    await route53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: 'hc-us-east-1',
        AddTags: [{ Key: 'aa:drill-lock', Value: 'd1' }],
        RemoveTagKeys: ['aa:app'],
      }),
    );
    expect(Object.fromEntries(checkers.checks.get('hc-us-east-1')?.tags ?? [])).toEqual({
      'aa:region': 'us-east-1',
      'aa:drill-lock': 'd1',
    });
  });

  test('CloudFormation (query protocol): DescribeStacks sees the stacks of the request region only', async () => {
    const inEurope = new CloudFormationClient(config('eu-west-1'));
    const all = await inEurope.send(new DescribeStacksCommand({}));
    expect(all.Stacks?.map((stack) => stack.StackName)).toEqual(['shop-region-eu-west-1']);
    expect(all.Stacks?.[0]?.Outputs).toEqual([
      { OutputKey: 'WritePolicy', OutputValue: '{"region":"eu-west-1"}' },
    ]);
    await expect(
      inEurope.send(new DescribeStacksCommand({ StackName: 'shop-region-us-east-1' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id shop-region-us-east-1 does not exist',
    });
  });

  test('CloudWatch (JSON): PutMetricData feeds GetMetricData; DescribeAlarms evaluates the alarms of the request region', async () => {
    const cloudwatch = new CloudWatchClient(config('eu-west-1'));
    const now = new Date();
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [
          {
            MetricName: 'Errors',
            Dimensions: [{ Name: 'region', Value: 'eu-west-1' }],
            Value: 2,
            Timestamp: now,
          },
        ],
      }),
    );
    const data = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - 60_000),
        EndTime: new Date(now.getTime() + 60_000),
        MetricDataQueries: [
          {
            Id: 'errors',
            MetricStat: {
              Metric: {
                Namespace: 'Shop',
                MetricName: 'Errors',
                Dimensions: [{ Name: 'region', Value: 'eu-west-1' }],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    expect(data.MetricDataResults?.[0]?.Values).toEqual([2]);
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'shop-' }));
    expect(alarms.MetricAlarms?.map((a) => [a.AlarmName, a.StateValue])).toEqual([
      ['shop-eu-west-1-api-5xx', 'ALARM'],
    ]);
  });

  test('DynamoDB (JSON) goes on to DynamoDB Local in the scope region, under the sandbox namespace; Secrets Manager by region', async () => {
    const tables = await new DynamoDBClient(config('ap-southeast-2')).send(
      new ListTablesCommand({}),
    );
    expect(tables.TableNames).toEqual(['shop-data']);
    const forwarded = upstream.at(-1);
    expect(forwarded?.target).toBe('DynamoDB_20120810.ListTables');
    expect(credentialScopeOf(forwarded?.authorization)).toMatchObject({
      accessKeyId: 'sandbox',
      region: 'ap-southeast-2',
      service: 'dynamodb',
    });
    const secret = await new SecretsManagerClient(config('eu-west-1')).send(
      new GetSecretValueCommand({ SecretId: 'shop/api-token-key' }),
    );
    expect(secret.SecretString).toBe('v');
    await expect(
      new SecretsManagerClient(config('ap-southeast-2')).send(
        new GetSecretValueCommand({ SecretId: 'shop/api-token-key' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('the control API and unknown calls', async () => {
    const response = await fetch(`http://127.0.0.1:${endpoint.port}/__sandbox/partition`, {
      method: 'POST',
      body: JSON.stringify({ a: 'us-east-1', b: 'eu-west-1' }),
    });
    expect(await response.json()).toEqual({ ok: 'partition' });
    expect(controls).toEqual([['partition', { a: 'us-east-1', b: 'eu-west-1' }]]);
    const unknown = await fetch(`http://127.0.0.1:${endpoint.port}/`, {
      method: 'POST',
      body: 'Action=ListQueues&Version=2012-11-05',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('the sandbox does not serve POST /');
  });
});
