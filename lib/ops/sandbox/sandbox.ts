/**
 * The local sandbox: three (or however many the config names) "regions" on one machine, built
 * from the app's own synthesized templates and handler bundles. `startSandbox` brings it up
 * (DynamoDB Local with one database per region and the replication engine between them, one
 * region host per region behind its HTTP API, Route 53-style health checkers, a DNS server and an
 * AWS-compatible endpoint) and returns the handle that stops it and injects failures.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  keyringFromSecret,
  MAX_TOKEN_TTL_SECONDS,
  mintApiToken,
} from '../../../lambda/contract/api-token';
import { loadConfigFromCdkJson } from '../../config/load';
import type { AppConfig } from '../../config/schema';
import { readBlueprint, type Blueprint } from './blueprint';
import { buildBlueprint } from './build';
import { SandboxControls, type SandboxStatus } from './controls';
import { normalizeName, type SandboxDeployment } from './deployment';
import { startDnsServer, type DnsServer } from './dns-server';
import { startDynamoLocal } from './dynamo-local';
import { startEndpoint } from './endpoint/server';
import { writeEndpoints, ENDPOINTS_FILE, type Endpoints } from './endpoints';
import { distanceKm, regionOfClientSubnet } from './geo';
import { HealthCheckers } from './health-checks';
import { evaluateAlarm, MetricStore } from './metric-store';
import { resolveSandboxOptions, type ResolvedSandboxOptions, type SandboxOptions } from './options';
import { freePort } from './ports';
import { pidAlive, readState, stopPids, Supervisor } from './processes';
import { createTable, generateSecret, putSeedItem } from './provision';
import type { FunctionKind } from './region/protocol';
import { RegionHost } from './region-hosts';
import { SandboxReplication } from './replication';
import { answerQuery, type DnsAnswerResult } from './route53-answers';
import { StreamMapping } from './stream-mapping';
import { deploymentOf } from './templates/read-deployment';

/** A second `up` while one runs. */
export class SandboxRunningError extends Error {
  constructor(
    readonly hubPid: number,
    dir: string,
  ) {
    super(
      `a sandbox is already running (pid ${hubPid}, ${join(dir, ENDPOINTS_FILE)}); use it, or stop it with aactl sandbox down`,
    );
    this.name = 'SandboxRunningError';
  }
}

/** How long each part of start-up took (ms). */
export interface StartupTimings {
  readonly totalMs: number;
  readonly buildMs: number;
  readonly synthMs: number;
  readonly bundleMs: number;
  readonly dynamoMs: number;
  readonly regionsMs: number;
}

/** A running sandbox. */
export interface Sandbox {
  readonly dir: string;
  readonly endpoints: Endpoints;
  readonly config: AppConfig;
  readonly deployment: SandboxDeployment;
  readonly scale: number;
  readonly startup: StartupTimings;
  readonly replication: SandboxReplication;
  readonly controls: SandboxControls;
  readonly metrics: MetricStore;
  /** What DNS answers for `name` to a client in `from`'s vantage (default: the default client). */
  resolve(
    name: string,
    options?: { readonly from?: string; readonly type?: string },
  ): DnsAnswerResult;
  /** The region a DNS answer's address belongs to. */
  regionOfAddress(address: string): string | undefined;
  /** Route 53's current view of a region's health check. */
  regionHealthy(region: string): boolean;
  status(): SandboxStatus;
  /** Stop everything the sandbox started (by pid); safe to call more than once. */
  stop(): Promise<void>;
  /** Resolves once the sandbox has stopped (by `stop()`, or the control API's `down`). */
  readonly stopped: Promise<void>;
}

/** Start a sandbox; resolves once every region serves and endpoints.json is written. */
export async function startSandbox(input: SandboxOptions = {}): Promise<Sandbox> {
  const options = resolveSandboxOptions(input);
  const started = Date.now();
  mkdirSync(join(options.dir, 'logs'), { recursive: true });
  await refuseSecondSandbox(options.dir);
  const supervisor = new Supervisor(join(options.dir, 'state.json'));
  const cleanup: (() => Promise<void> | void)[] = [];
  try {
    return await bringUp(options, supervisor, cleanup, started);
  } catch (error) {
    for (const step of cleanup.reverse()) await step();
    await supervisor.stopAll();
    throw error;
  }
}

async function refuseSecondSandbox(dir: string): Promise<void> {
  const state = readState(join(dir, 'state.json'));
  if (state === undefined) return;
  if (state.hubPid !== process.pid && pidAlive(state.hubPid))
    throw new SandboxRunningError(state.hubPid, dir);
  // a hub that died without cleaning up: stop what it left
  await stopPids(state.processes.map((entry) => entry.pid).filter(pidAlive));
}

async function bringUp(
  options: ResolvedSandboxOptions,
  supervisor: Supervisor,
  cleanup: (() => Promise<void> | void)[],
  started: number,
): Promise<Sandbox> {
  const log = options.log;
  const config = loadConfigFromCdkJson(options.cdkJson, options.context);
  const ports = await portPlan(options.port, config.regions.length);
  const buildDir = join(options.dir, 'build');

  log(`building templates and bundles, starting DynamoDB Local (scale ${options.scale})`);
  const buildStarted = Date.now();
  let buildMs = 0;
  const dynamoStarted = Date.now();
  const [, dynamo] = await Promise.all([
    buildBlueprint({
      root: options.root,
      cdkJson: options.cdkJson,
      context: options.context,
      outDir: buildDir,
    }).then(() => (buildMs = Date.now() - buildStarted)),
    options.dynamoEndpoint !== undefined
      ? Promise.resolve({ endpoint: options.dynamoEndpoint })
      : startDynamoLocal({
          port: ports.dynamo,
          logFile: join(options.dir, 'logs', 'dynamodb-local.log'),
        }).then(({ child, endpoint }) => {
          supervisor.track('dynamodb-local', child);
          return { endpoint };
        }),
  ]);
  const dynamoMs = Date.now() - dynamoStarted;
  const { blueprint, templates } = readBlueprint(buildDir);
  const deployment = deploymentOf(blueprint, templates, config.account);

  // what the data stack deploys: the table in every region, its seed items, the secrets
  const client = (region: string) =>
    new DynamoDBClient({
      region,
      endpoint: dynamo.endpoint,
      credentials: { accessKeyId: options.namespace, secretAccessKey: 'sandbox' },
    });
  const clients = new Map(deployment.table.regions.map((region) => [region, client(region)]));
  cleanup.push(() => clients.forEach((c) => c.destroy()));
  await Promise.all([...clients.values()].map((c) => createTable(c, deployment.table)));
  for (const seed of deployment.seedItems) {
    const target = clients.get(seed.region);
    if (target !== undefined) await putSeedItem(target, seed);
  }
  const secrets = new Map(
    deployment.secrets.map((spec) => [spec.name, { spec, value: generateSecret(spec) }]),
  );

  const replication = new SandboxReplication({
    regions: deployment.table.regions,
    tableName: deployment.table.tableName,
    dynamoEndpoint: dynamo.endpoint,
    namespace: options.namespace,
    lagMs: options.lagMs,
    pumpMs: options.pumpMs,
    ttlEveryMs: Math.max(1000, Math.round(30_000 * options.scale)),
    ...(deployment.table.ttlAttribute === undefined
      ? {}
      : { ttlAttribute: deployment.table.ttlAttribute }),
    onError: (error) =>
      log(`replication: ${error instanceof Error ? error.message : String(error)}`),
  });
  await replication.start();
  cleanup.push(() => replication.stop());

  const metrics = new MetricStore();
  const hosts = new Map<string, RegionHost>();
  const addressOf = new Map<string, string>();
  const regionByAddress = new Map<string, string>();
  deployment.regionSpecs.forEach((spec, index) => {
    // a label per region in 127/8 (nothing listens there: the region's URL is in endpoints.json)
    const address = `127.1.0.${index + 1}`;
    addressOf.set(spec.region, address);
    regionByAddress.set(address, spec.region);
  });
  const endpointNames = new Map<string, string>();
  for (const spec of deployment.regionSpecs) {
    for (const record of deployment.records) {
      if (
        record.alias !== undefined &&
        record.alias.dnsName.endsWith(`.execute-api.${spec.region}.amazonaws.com`)
      ) {
        endpointNames.set(record.alias.dnsName, addressOf.get(spec.region) as string);
      }
    }
  }
  const regionOfFqdn = (fqdn: string) =>
    deployment.regionSpecs.find((spec) => spec.domainNames.includes(normalizeName(fqdn)))?.region;
  const healthIntervalMs = Math.min(
    ...deployment.healthChecks.map((check) => check.requestIntervalSeconds * 1000 * options.scale),
  );
  const checkers = new HealthCheckers(
    deployment.healthChecks,
    (check) => {
      const region = regionOfFqdn(check.fqdn);
      const host = region === undefined ? undefined : hosts.get(region);
      return host?.alive === true ? { port: host.port } : undefined;
    },
    {
      scale: options.scale,
      timeoutMs: options.checkerTimeoutMs ?? Math.min(2000, Math.max(200, healthIntervalMs / 2)),
      onResult: (check, healthy) =>
        metrics.put({
          namespace: 'AWS/Route53',
          name: 'HealthCheckStatus',
          dimensions: { HealthCheckId: check.spec.id },
          timestampMs: Date.now(),
          value: healthy ? 1 : 0,
        }),
    },
  );
  cleanup.push(() => checkers.stop());

  const zoneName = normalizeName(config.hostedZone.name);
  const ttlScale = (seconds: number) => Math.max(1, Math.round(seconds * options.scale));
  const defaultClient = options.clientRegion ?? config.primaryRegion;
  const resolve = (name: string, type: string, clientRegion: string): DnsAnswerResult => {
    const answer = answerQuery(
      {
        records: deployment.records,
        isHealthy: (id) => checkers.isHealthy(id),
        endpointAddresses: (endpoint) => {
          const address = endpointNames.get(endpoint);
          return address === undefined ? undefined : [address];
        },
        endpointTtlSeconds: 60,
        latency: (region) => distanceKm(clientRegion, region),
      },
      name,
      type,
    );
    return { ...answer, ttlSeconds: ttlScale(answer.ttlSeconds) };
  };
  const answerer = (name: string, type: string, subnet: string | undefined) => {
    const normalized = normalizeName(name);
    const ours =
      normalized === zoneName ||
      normalized.endsWith(`.${zoneName}`) ||
      endpointNames.has(normalized);
    if (!ours) return undefined;
    return resolve(
      normalized,
      type,
      (subnet === undefined ? undefined : regionOfClientSubnet(subnet)) ?? defaultClient,
    );
  };

  const dnsServer: DnsServer = await startDnsServer(ports.dns, answerer);
  cleanup.push(() => dnsServer.close());
  const endpointUrl = (port: number) => `http://127.0.0.1:${port}`;
  const controlsRef: { current?: SandboxControls } = {};
  const startedAt = new Date();
  const endpoint: { server: Server; port: number } = await startEndpoint(
    {
      route53: {
        checks: checkers,
        records: deployment.records,
        hostedZoneId: config.hostedZone.id,
        answer: (name, type, subnet) =>
          answerer(name, type, subnet) ?? {
            code: 'NXDOMAIN',
            type,
            values: [],
            ttlSeconds: 0,
            path: [],
          },
      },
      stacks: deployment.stacks,
      dynamo: {
        endpoint: dynamo.endpoint,
        namespace: options.namespace,
        agent: new Agent({ keepAlive: true }),
      },
      startedAt,
      metrics,
      alarms: deployment.alarms,
      alarmState: (alarm) => evaluateAlarm(metrics, alarm, Date.now(), options.scale),
      secretValue: (name, region) => {
        const secret = secrets.get(name);
        if (secret === undefined || !secret.spec.regions.includes(region)) return undefined;
        return {
          arn: `arn:aws:secretsmanager:${region}:${config.account}:secret:${name}-sandbx`,
          name,
          value: secret.value,
        };
      },
      accountId: config.account,
      control: (command, body) => {
        if (controlsRef.current === undefined) throw new Error('the sandbox is still starting');
        return controlsRef.current.run(command, body);
      },
    },
    ports.endpoint,
  );
  cleanup.push(() => new Promise<void>((done) => endpoint.server.close(() => done())));
  endpoint.server.closeIdleConnections?.();

  const bundleDir = buildDir;
  const bundles = Object.fromEntries(
    (Object.keys(blueprint.bundles) as (keyof Blueprint['bundles'])[])
      .filter((name) => name !== 'regionHost')
      .map((name) => [name, join(bundleDir, blueprint.bundles[name])]),
  ) as Record<FunctionKind, string>;
  const baseEnvOf = (region: string): Record<string, string> => ({
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: options.namespace,
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    AWS_ENDPOINT_URL: endpointUrl(endpoint.port),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpointUrl(endpoint.port),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const regionsStarted = Date.now();
  deployment.regionSpecs.forEach((spec, index) => {
    hosts.set(
      spec.region,
      new RegionHost(
        {
          spec,
          hostBundle: join(bundleDir, blueprint.bundles.regionHost),
          bundles,
          accountId: config.account,
          baseEnv: baseEnvOf(spec.region),
          dynamoEndpoint: dynamo.endpoint,
          logFile: join(options.dir, 'logs', `${spec.region}.log`),
          port: ports.regions[index] ?? 0,
        },
        supervisor,
        (_region, documents) => {
          for (const document of documents) metrics.putEmf(document);
        },
      ),
    );
  });
  await Promise.all([...hosts.values()].map((host) => host.start()));
  const regionsMs = Date.now() - regionsStarted;

  // the conflict feed's stream mappings and the heartbeat schedules
  const timers: NodeJS.Timeout[] = [];
  cleanup.push(() => timers.forEach((timer) => clearInterval(timer)));
  const mappings = new Map<string, StreamMapping>();
  for (const spec of deployment.regionSpecs) {
    const host = hosts.get(spec.region) as RegionHost;
    const feed = spec.functions.conflictFeed;
    const mapping = new StreamMapping(
      replication.replicator.stream(spec.region),
      spec.streamMapping,
      {
        region: spec.region,
        alive: () => host.alive,
        invoke: (event) => host.invoke('conflictFeed', event),
        onIteratorAge: (ms) =>
          metrics.put({
            namespace: 'AWS/Lambda',
            name: 'IteratorAge',
            dimensions: { FunctionName: feed?.functionName ?? '' },
            timestampMs: Date.now(),
            value: ms,
          }),
        onDropped: (count) =>
          log(
            `conflict feed ${spec.region}: ${count} records dropped after retries (dead-letter queue)`,
          ),
      },
      Math.max(50, Math.min(1000, spec.streamMapping.maxBatchingWindowMs * options.scale)),
      `arn:aws:dynamodb:${spec.region}:${config.account}:table/${deployment.table.tableName}/stream/sandbox`,
    );
    mapping.start();
    mappings.set(spec.region, mapping);
    cleanup.push(() => mapping.stop());
    const every = Math.max(500, Math.round(spec.heartbeatEveryMs * options.scale));
    const heartbeat = () => {
      if (!host.alive) return;
      host
        .invoke('heartbeat', scheduledEvent(spec.region, config.account))
        .catch((error: unknown) =>
          log(
            `heartbeat ${spec.region}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    };
    const timer = setInterval(heartbeat, every);
    timer.unref();
    timers.push(timer);
    heartbeat();
  }

  await checkers.probeAll();
  checkers.start();

  // the token every region's authorizer accepts, minted as `npm run api-token` mints
  const authorizerEnv = deployment.regionSpecs[0]?.functions.authorizer?.environment ?? {};
  const tokenSecretId = authorizerEnv.API_TOKEN_SECRET_ID ?? `${config.appName}/api-token-key`;
  const tokenSecret = secrets.get(tokenSecretId);
  if (tokenSecret === undefined)
    throw new Error(`the templates declare no secret ${tokenSecretId}`);
  const nowMs = Date.now();
  const token = mintApiToken(keyringFromSecret(tokenSecret.value, tokenSecretId), {
    issuer: authorizerEnv.API_TOKEN_ISSUER ?? config.appName,
    audience: authorizerEnv.API_TOKEN_AUDIENCE ?? config.publicName,
    subject: 'sandbox-developer',
    ttlSeconds: MAX_TOKEN_TTL_SECONDS,
    nowMs,
  });

  const endpoints: Endpoints = {
    version: 1,
    hubPid: process.pid,
    startedAt: startedAt.toISOString(),
    scale: options.scale,
    awsEndpoint: endpointUrl(endpoint.port),
    dns: { host: '127.0.0.1', port: dnsServer.port },
    dynamodbLocal: dynamo.endpoint,
    publicName: config.publicName,
    hostedZoneId: config.hostedZone.id,
    token,
    tokenExpiresAt: new Date(nowMs + MAX_TOKEN_TTL_SECONDS * 1000).toISOString(),
    regions: Object.fromEntries(
      deployment.regionSpecs.map((spec) => {
        const host = hosts.get(spec.region) as RegionHost;
        return [
          spec.region,
          {
            url: endpointUrl(host.port),
            address: addressOf.get(spec.region) as string,
            names: spec.domainNames,
            healthPath: spec.healthPath,
          },
        ];
      }),
    ),
  };
  writeEndpoints(options.dir, endpoints);
  cleanup.push(() => rmSync(join(options.dir, ENDPOINTS_FILE), { force: true }));
  const controls = new SandboxControls({
    regions: deployment.regions,
    hosts,
    replication,
    mappings,
    checkers,
    regionHealthCheck: (region) =>
      deployment.healthChecks.find((check) => check.tags['aa:region'] === region)?.id,
    scale: options.scale,
    startedAt,
    stop: () => sandbox.stop(),
  });
  controlsRef.current = controls;
  supervisor.markReady();
  const blueprintTimings = blueprint.timings;
  let stopping: Promise<void> | undefined;
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  const sandbox: Sandbox = {
    dir: options.dir,
    endpoints,
    config,
    deployment,
    scale: options.scale,
    startup: {
      totalMs: Date.now() - started,
      buildMs,
      synthMs: blueprintTimings.synthMs,
      bundleMs: blueprintTimings.bundleMs,
      dynamoMs,
      regionsMs,
    },
    replication,
    controls,
    metrics,
    resolve: (name, query = {}) =>
      resolve(normalizeName(name), query.type ?? 'A', query.from ?? defaultClient),
    regionOfAddress: (address) => regionByAddress.get(address),
    regionHealthy: (region) => {
      const id = deployment.healthChecks.find((check) => check.tags['aa:region'] === region)?.id;
      return id !== undefined && checkers.isHealthy(id);
    },
    status: () => controls.status(),
    stop: () => {
      stopping ??= (async () => {
        for (const step of cleanup.reverse()) await step();
        const left = await supervisor.stopAll();
        if (left.length > 0) log(`processes that would not stop: ${left.join(', ')}`);
        markStopped();
      })();
      return stopping;
    },
    stopped,
  };
  return sandbox;
}

function scheduledEvent(region: string, account: string): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: new Date().toISOString(),
    region,
    resources: [],
    detail: {},
  };
}

/** The ports of one sandbox: fixed from a base port, or free ones. */
async function portPlan(base: number, regions: number) {
  if (base === 0) {
    const free = async () => freePort();
    return {
      endpoint: 0,
      dns: 0,
      dynamo: await free(),
      regions: Array.from({ length: regions }, () => 0),
    };
  }
  return {
    endpoint: base,
    dns: base + 1,
    dynamo: base + 2,
    regions: Array.from({ length: regions }, (_, index) => base + 10 + index),
  };
}
