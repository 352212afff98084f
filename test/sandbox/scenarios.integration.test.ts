import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetHealthCheckStatusCommand,
  Route53Client,
  TestDNSAnswerCommand,
} from '@aws-sdk/client-route-53';
import { stableJson } from '../../lambda/replication/dynamo-local-items';
import { DnsFollowingClient, type ApiAnswer } from '../../lib/ops/sandbox/client';
import { clientSubnetOf } from '../../lib/ops/sandbox/geo';
import {
  measureBacklogDrain,
  measureFailover,
  measureReplicationLag,
  publicAnswers,
  waitFor,
} from '../../lib/ops/sandbox/measure';
import { startSandbox, type Sandbox } from '../../lib/ops/sandbox/sandbox';
import { describeWithDynamoLocal, SHARED_ENDPOINT_ENV } from '../helpers/dynamodb-local';
import {
  clockScenario,
  drillScenario,
  keepLogsOnFailure,
  staleCacheScenario,
  type ScenarioContext,
  checkedCaller,
} from './support/scenarios';

/**
 * The four failure scenarios and a drill, against one sandbox (three regions, active-active, the
 * app's own bundles over HTTP, DNS, the AWS endpoint), at scale 0.1: health checks every 1 s
 * (10 s configured) with threshold 2, record TTLs 6 s (60 s), heartbeats every 6 s. Each test
 * asserts its numbers; all of them are printed at the end.
 */
const SCALE = 0.1;
const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, '.sandbox', `scenarios-${process.pid}`);
const figures: Record<string, unknown> = {};
const { scenario, failed } = keepLogsOnFailure();

/** Slack for a busy 2-core machine (the suites of the integration tier run beside this one). */
const SLACK_SECONDS = 1.5;

describeWithDynamoLocal('sandbox scenarios (scale 0.1)', () => {
  let sandbox: Sandbox;
  let seq = 0;
  const tenant = (name: string) => `${name}${process.pid}x${(seq += 1)}`;
  const call = checkedCaller(() => sandbox);
  /** An AWS SDK client's settings for the sandbox's AWS endpoint, as aactl --endpoint-url. */
  const awsClientConfig = (region: string) => ({
    region,
    endpoint: sandbox.endpoints.awsEndpoint,
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
  });

  const context: ScenarioContext = {
    get sandbox() {
      return sandbox;
    },
    scale: SCALE,
    tenant: (name) => tenant(name),
    call: (region, method, path, options) => call(region, method, path, options),
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      root: ROOT,
      dir: DIR,
      port: 0,
      scale: SCALE,
      context: { 'activeActive.rollout.phase': 'active-active' },
      ...(process.env[SHARED_ENDPOINT_ENV] === undefined
        ? {}
        : { dynamoEndpoint: process.env[SHARED_ENDPOINT_ENV] }),
      namespace: `scenarios${process.pid}`,
    });
    figures.startupSeconds = sandbox.startup.totalMs / 1000;
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (!failed()) rmSync(DIR, { recursive: true, force: true });
    process.stderr.write(
      `\nsandbox scenario figures (scale ${SCALE}: health checks every ${10 * SCALE} s, threshold 2, TTL ${60 * SCALE} s):\n${JSON.stringify(figures, null, 2)}\n`,
    );
  });

  scenario(
    'every region serves; DNS, read from the synthesized records, answers each vantage with its own region; Route 53 sees every region healthy from several checker vantages',
    async () => {
      for (const region of sandbox.config.regions) {
        const health = await call(region, 'GET', '/health');
        expect(health.status).toBe(200);
        expect(health.body.region).toBe(region);
      }
      // the records are the templates' (active-active: the public name aliases the latency set)
      const latency = sandbox.deployment.records.filter(
        (record) => record.name === `latency.${sandbox.config.publicName}`,
      );
      expect(latency.map((record) => record.region).sort()).toEqual(
        [...sandbox.config.regions].sort(),
      );
      expect(latency.every((record) => record.alias?.evaluateTargetHealth === true)).toBe(true);
      expect(publicAnswers(sandbox)).toEqual(
        new Map(sandbox.config.regions.map((region) => [region, [region]])),
      );
      // the DNS server and Route 53's TestDNSAnswer give the same answer for a vantage
      const route53 = new Route53Client(awsClientConfig('us-east-1'));
      const viaApi = await route53.send(
        new TestDNSAnswerCommand({
          HostedZoneId: sandbox.endpoints.hostedZoneId,
          RecordName: sandbox.config.publicName,
          RecordType: 'A',
          EDNS0ClientSubnetIP: clientSubnetOf('ap-southeast-2'),
        }),
      );
      const viaDns = new DnsFollowingClient(sandbox.endpoints, 'ap-southeast-2');
      expect(await viaDns.currentRegion()).toBe('ap-southeast-2');
      expect(viaApi.RecordData?.map((address) => sandbox.regionOfAddress(address))).toEqual([
        'ap-southeast-2',
      ]);
      // each region's health check, probed from every checker region it names
      const vantages: Record<string, number> = {};
      for (const check of sandbox.deployment.healthChecks) {
        const status = await route53.send(
          new GetHealthCheckStatusCommand({ HealthCheckId: check.id }),
        );
        const observations = status.HealthCheckObservations ?? [];
        expect(new Set(observations.map((o) => o.Region))).toEqual(new Set(check.checkerRegions));
        expect(observations.every((o) => o.StatusReport?.Status?.startsWith('Success'))).toBe(true);
        vantages[check.tags['aa:region'] ?? check.id] = observations.length;
      }
      figures.checkerVantages = vantages;
      expect(Math.min(...Object.values(vantages))).toBeGreaterThanOrEqual(3);
      expect(
        (
          await call('eu-west-1', 'GET', '/v1/tenants/x/counters/c', {
            headers: { authorization: 'Bearer nope' },
          })
        ).status,
      ).toBe(403);
    },
  );

  scenario(
    "the heartbeat/divergence probe and the conflict feed run on their scaled schedules: GetMetricData on the AWS endpoint has the lag of every region pair and every region's divergence",
    async () => {
      const every = Math.max(...sandbox.heartbeatEveryMs.values());
      expect(every).toBe(Math.round(60_000 * SCALE)); // rate(1 minute), scaled
      const cloudwatch = new CloudWatchClient(awsClientConfig('us-east-1'));
      const service = { service: sandbox.config.appName };
      const pairs = sandbox.config.regions.flatMap((region) =>
        sandbox.config.regions
          .filter((source) => source !== region)
          .map((source) => ({ region, source })),
      );
      const query = (
        id: string,
        name: string,
        dimensions: Record<string, string>,
        namespace = 'ActiveActive',
      ) => ({
        Id: id,
        MetricStat: {
          Metric: {
            Namespace: namespace,
            MetricName: name,
            Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: 60,
          Stat: 'Maximum',
        },
      });
      let found: Record<string, number[]> = {};
      await waitFor(
        async () => {
          const result = await cloudwatch.send(
            new GetMetricDataCommand({
              StartTime: new Date(Date.now() - 10 * 60_000),
              EndTime: new Date(Date.now() + 60_000),
              MetricDataQueries: [
                ...pairs.map(({ region, source }, index) =>
                  query(`lag${index}`, 'ReplicationLagMs', {
                    ...service,
                    region,
                    sourceRegion: source,
                  }),
                ),
                ...sandbox.config.regions.map((region, index) =>
                  query(`div${index}`, 'DivergentEntities', { ...service, region }),
                ),
                // what AWS publishes: API Gateway per API (the health checkers' requests, at
                // least) and Lambda per function (the heartbeat's invocations)
                ...sandbox.deployment.regionSpecs.map((spec, index) =>
                  query(`api${index}`, 'Count', { ApiId: spec.apiId }, 'AWS/ApiGateway'),
                ),
                ...sandbox.deployment.regionSpecs.map((spec, index) =>
                  query(
                    `lambda${index}`,
                    'Invocations',
                    { FunctionName: spec.functions.heartbeat?.functionName ?? '' },
                    'AWS/Lambda',
                  ),
                ),
              ],
            }),
          );
          found = Object.fromEntries(
            (result.MetricDataResults ?? []).map((r) => [r.Id ?? '', r.Values ?? []]),
          );
          return Object.values(found).every((values) => values.length > 0);
        },
        every * 4,
        'lag for every region pair; divergence, API Gateway and Lambda metrics for every region',
      );
      figures.probes = {
        heartbeatEverySeconds: every / 1000,
        maxReplicationLagMsByPair: Object.fromEntries(
          pairs.map(({ region, source }, index) => [
            `${source}->${region}`,
            Math.max(...(found[`lag${index}`] ?? [])),
          ]),
        ),
      };
    },
    120_000,
  );

  scenario(
    'replication lag at a fixed write rate',
    async () => {
      // 5 writes a second through the API in us-east-1, each applied in the two other replicas:
      // DynamoDB Local applies one replicated write at a time, so this is a rate it sustains
      const lag = await measureReplicationLag(sandbox, {
        from: 'us-east-1',
        writesPerSecond: 5,
        seconds: 6,
      });
      figures.replicationLag = lag;
      expect(lag.samples).toBe(lag.writes * 2);
      expect(lag.p50Ms).toBeGreaterThanOrEqual(lag.configuredLagMs);
      expect(lag.p99Ms).toBeLessThan(lag.configuredLagMs + 10_000);
    },
    120_000,
  );

  scenario(
    'regional isolation: out of DNS within interval x threshold + one interval, a TTL-honouring client recovers within that plus the TTL, and the other regions never fail',
    async () => {
      const isolated = 'eu-west-1';
      const stays = ['us-east-1', 'ap-southeast-2'];
      const homedAway = tenant('homedaway');
      const homedThere = tenant('homedthere');
      // a tenant homed in the isolated region: its owner-only writes must wait for a takeover
      const moved = await call('us-east-1', 'PUT', `/v1/tenants/${homedThere}/home`, {
        body: { home: isolated },
      });
      expect(moved.status).toBe(200);
      await waitFor(
        async () =>
          (await call(isolated, 'GET', `/v1/tenants/${homedThere}/home`)).body.home === isolated,
        10_000,
        'the transfer reached eu-west-1',
      );

      const client = new DnsFollowingClient(sandbox.endpoints, isolated, 1_000);
      expect(await client.currentRegion()).toBe(isolated);
      const failures: string[] = [];
      let ownerOnlyRefused = 0;
      let recoveredAfter: number | undefined;
      const figuresOfFailover = await measureFailover(sandbox, isolated, async (failover) => {
        const started = Date.now() - failover.dnsConvergenceSeconds * 1000;
        // the client keeps its cached answer until the TTL runs out, then follows DNS
        while (recoveredAfter === undefined && Date.now() - started < 30_000) {
          try {
            const answer = await client.request('GET', `/v1/tenants/${homedAway}/counters/visits`);
            if (answer.status === 200) recoveredAfter = (Date.now() - started) / 1000;
          } catch {
            // timed out against the isolated region, as a real client would
          }
        }
        // meanwhile, in the regions that stay: reads and writes of what eu-west-1 does not own
        for (let round = 0; round < 5; round += 1) {
          for (const region of stays) {
            const checks: Promise<ApiAnswer>[] = [
              call(region, 'POST', `/v1/tenants/${homedAway}/counters/visits`, {
                body: { delta: 1 },
              }),
              call(region, 'GET', `/v1/tenants/${homedAway}/counters/visits`),
              call(region, 'POST', `/v1/tenants/${homedThere}/counters/visits`, {
                body: { delta: 1 },
              }),
              call(region, 'PUT', `/v1/tenants/${homedAway}/profiles/p1`, {
                body: { fields: { round } },
              }),
            ];
            for (const answer of await Promise.all(checks)) {
              if (answer.status >= 400)
                failures.push(`${region} ${answer.status} ${JSON.stringify(answer.body)}`);
            }
            const ownerOnly = await call(region, 'PUT', `/v1/tenants/${homedThere}/profiles/p1`, {
              body: { fields: { round } },
              timeoutMs: 15_000,
            });
            if (ownerOnly.status >= 400) ownerOnlyRefused += 1;
          }
        }
      });
      figures.isolation = {
        ...figuresOfFailover,
        clientRecoverySeconds: recoveredAfter,
        ownerOnlyRefused,
      };
      expect(figuresOfFailover.dnsConvergenceSeconds).toBeLessThanOrEqual(
        figuresOfFailover.boundSeconds + SLACK_SECONDS,
      );
      expect(figuresOfFailover.detectionSeconds).toBeLessThanOrEqual(
        figuresOfFailover.dnsConvergenceSeconds,
      );
      expect(recoveredAfter).toBeDefined();
      expect(recoveredAfter as number).toBeLessThanOrEqual(
        figuresOfFailover.boundSeconds + figuresOfFailover.ttlSeconds + 1 + SLACK_SECONDS,
      );
      expect(failures).toEqual([]);
      // owner-only writes of the isolated region's tenant cannot run until a takeover
      expect(ownerOnlyRefused).toBe(10);
    },
    120_000,
  );

  scenario(
    'replication backlog: writes in every region during a partition converge after the heal, counters exact, no ledger entry lost',
    async () => {
      const shop = tenant('backlog');
      const perRegion = 10;
      const backlog = await measureBacklogDrain(sandbox, async () => {
        let writes = 0;
        for (const region of sandbox.config.regions) {
          for (let index = 0; index < perRegion; index += 1) {
            const answer = await call(region, 'POST', `/v1/tenants/${shop}/counters/orders`, {
              body: { delta: 1 },
            });
            expect(answer.status).toBe(200);
            writes += 1;
          }
        }
        // ledger entries are owner-only: the home (us-east-1) takes them during the partition
        for (let index = 0; index < perRegion; index += 1) {
          const entry = await call(
            'us-east-1',
            'POST',
            `/v1/tenants/${shop}/accounts/main/entries`,
            {
              body: { entryId: `e${index}`, amount: 100 + index, currency: 'EUR' },
            },
          );
          expect(entry.status).toBe(201);
          writes += 1;
        }
        return writes;
      });
      expect(backlog.deliveries).toBeGreaterThan(0);
      const expectedBalance = Array.from({ length: perRegion }, (_, index) => 100 + index).reduce(
        (a, b) => a + b,
        0,
      );
      for (const region of sandbox.config.regions) {
        await waitFor(
          async () =>
            (await call(region, 'GET', `/v1/tenants/${shop}/counters/orders`)).body.value ===
            perRegion * 3,
          20_000,
          `counters exact in ${region}`,
        );
        await waitFor(
          async () =>
            (await call(region, 'GET', `/v1/tenants/${shop}/accounts/main`)).body.balance ===
            expectedBalance,
          20_000,
          `ledger complete in ${region}`,
        );
      }
      // every replica holds the same items of the tenant, attribute for attribute
      const itemsOf = async (region: string) =>
        (await sandbox.replication.replicator.scan(region))
          .filter((item) => String(item.pk).startsWith(`T#${shop}#`))
          .map((item) => stableJson(item))
          .sort();
      await waitFor(
        async () => {
          const [first, ...rest] = await Promise.all(sandbox.config.regions.map(itemsOf));
          return rest.every((items) => JSON.stringify(items) === JSON.stringify(first));
        },
        20_000,
        'the replicas converged',
      );
      figures.backlog = { ...backlog, itemsPerReplica: (await itemsOf('us-east-1')).length };
      expect(backlog.drainSeconds).toBeLessThan(20);
    },
    120_000,
  );

  scenario(
    'split-brain during DNS convergence: after a transfer, the old owner runs no owner-only write of its own',
    async () => {
      const shop = tenant('splitbrain');
      sandbox.replication.setLag(Math.round(2000 * SCALE));
      const before = await call('us-east-1', 'POST', `/v1/tenants/${shop}/accounts/main/entries`, {
        body: { entryId: 'before', amount: 10, currency: 'EUR' },
      });
      expect(before.status).toBe(201);
      const transfer = await call('us-east-1', 'PUT', `/v1/tenants/${shop}/home`, {
        body: { home: 'eu-west-1' },
      });
      expect(transfer.status).toBe(200);
      // clients whose DNS still says us-east-1 keep writing there, with and without forwarding
      const accepted: string[] = [];
      const servedByOldOwner: string[] = [];
      const refused: number[] = [];
      for (let index = 0; index < 10; index += 1) {
        const rejecting = await call(
          'us-east-1',
          'POST',
          `/v1/tenants/${shop}/accounts/main/entries`,
          {
            body: { entryId: `r${index}`, amount: 1, currency: 'EUR' },
            headers: { 'x-when-not-owner': 'reject' },
            timeoutMs: 15_000,
          },
        );
        if (rejecting.status === 201) servedByOldOwner.push(`r${index}`);
        else refused.push(rejecting.status);
        const forwarding = await call(
          'us-east-1',
          'POST',
          `/v1/tenants/${shop}/accounts/main/entries`,
          {
            body: { entryId: `f${index}`, amount: 1, currency: 'EUR' },
            timeoutMs: 15_000,
          },
        );
        if (forwarding.status === 201) {
          accepted.push(`f${index}`);
          if (forwarding.headers['x-served-region'] === 'us-east-1')
            servedByOldOwner.push(`f${index}`);
        }
      }
      sandbox.replication.setLag(Math.round(1000 * SCALE));
      figures.splitBrain = {
        refusedByOldOwner: refused.length,
        forwardedAndAccepted: accepted.length,
        servedByOldOwner: servedByOldOwner.length,
      };
      expect(servedByOldOwner).toEqual([]);
      expect(new Set(refused)).toEqual(new Set([421]));
      // nothing acknowledged is lost: the new home has every entry it accepted
      await waitFor(
        async () => {
          const account = await call('eu-west-1', 'GET', `/v1/tenants/${shop}/accounts/main`);
          return account.body.balance === 10 + accepted.length;
        },
        20_000,
        'the new home holds every accepted entry',
      );
    },
    120_000,
  );

  scenario(
    'stale cache: no read-your-writes read is older than its token while a replica lags',
    async () => {
      figures.readYourWrites = await staleCacheScenario(context);
    },
    120_000,
  );

  scenario(
    'a drill with aactl: drill fail --method drain measures detection and DNS convergence from the sandbox and restores',
    async () => {
      figures.drill = await drillScenario(context, SLACK_SECONDS);
    },
    120_000,
  );

  scenario(
    "clock: moving a region's clock moves what its handlers stamp, and past the skew bound that region alone refuses writes until it is set back",
    async () => {
      figures.clock = await clockScenario(context);
    },
    120_000,
  );
});
