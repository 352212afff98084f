/**
 * The local sandbox: three (or however many the config names) "regions" on one machine, built
 * from the app's own synthesized templates and handler bundles. `startSandbox` brings it up
 * (DynamoDB Local with one database per region and the replication engine between them, one
 * region host per region behind its HTTP API, Route 53-style health checkers, a DNS server and an
 * AWS-compatible endpoint) and returns the handle that stops it and injects failures.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFromCdkJson } from '../../config/load';
import type { AppConfig } from '../../config/schema';
import type { Blueprint } from './blueprint';
import { SandboxControls, type SandboxStatus } from './controls';
import { startDataPlane } from './data-plane';
import type { SandboxDeployment } from './deployment';
import { developmentToken } from './dev-token';
import { startDnsServer } from './dns-server';
import { startEndpoint } from './endpoint/server';
import { endpointWorldOf } from './endpoint/world';
import { endpointsOf, ENDPOINTS_FILE, writeEndpoints, type Endpoints } from './endpoints';
import { MetricStore } from './metric-store';
import { resolveSandboxOptions, type ResolvedSandboxOptions, type SandboxOptions } from './options';
import { portPlan } from './ports';
import { pidAlive, readState, stopPids, Supervisor } from './processes';
import type { FunctionKind } from './region/protocol';
import { createRegionHealth } from './region-health';
import { createRegionHosts, type RegionHost } from './region-hosts';
import type { SandboxReplication } from './replication';
import type { DnsAnswerResult } from './route53-answers';
import { SandboxDns } from './sandbox-dns';
import { startSchedules } from './schedules';

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
  /** Heartbeat period of each region, scaled (ms). */
  readonly heartbeatEveryMs: ReadonlyMap<string, number>;
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
  const { log, scale } = options;
  const config = loadConfigFromCdkJson(options.cdkJson, options.context);
  const ports = await portPlan(options.port, config.regions.length);

  const data = await startDataPlane(options, config, ports.dynamo, supervisor, cleanup);
  const { blueprint, deployment, dynamoEndpoint, replication, secrets, buildDir } = data;

  const metrics = new MetricStore();
  // filled once the AWS endpoint listens (the hosts' functions call it); read lazily before that
  const hosts = new Map<string, RegionHost>();
  const health = createRegionHealth({
    deployment,
    portOf: (region) => {
      const host = hosts.get(region);
      return host?.alive === true ? host.port : undefined;
    },
    metrics,
    scale,
    ...(options.checkerTimeoutMs === undefined ? {} : { timeoutMs: options.checkerTimeoutMs }),
  });
  const { checkers } = health;
  cleanup.push(() => checkers.stop());

  const dns = new SandboxDns({
    deployment,
    zoneName: config.hostedZone.name,
    isHealthy: (id) => checkers.isHealthy(id),
    scale,
    defaultClientRegion: options.clientRegion ?? config.primaryRegion,
  });
  const dnsServer = await startDnsServer(ports.dns, (name, type, subnet) =>
    dns.answer(name, type, subnet),
  );
  cleanup.push(() => dnsServer.close());

  const controlsRef: { current?: SandboxControls } = {};
  const startedAt = new Date();
  const endpoint = await startEndpoint(
    endpointWorldOf({
      deployment,
      hostedZoneId: config.hostedZone.id,
      checkers,
      dns,
      metrics,
      secrets,
      dynamoEndpoint,
      namespace: options.namespace,
      scale,
      startedAt,
      control: (command, body) => {
        if (controlsRef.current === undefined) throw new Error('the sandbox is still starting');
        return controlsRef.current.run(command, body);
      },
    }),
    ports.endpoint,
  );
  const awsEndpoint = `http://127.0.0.1:${endpoint.port}`;
  cleanup.push(() => new Promise<void>((done) => endpoint.server.close(() => done())));

  const fleet = createRegionHosts(
    {
      regionSpecs: deployment.regionSpecs,
      hostBundle: join(buildDir, blueprint.bundles.regionHost),
      bundles: functionBundles(blueprint, buildDir),
      accountId: config.account,
      baseEnv: (region) => ({
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: options.namespace,
        AWS_SECRET_ACCESS_KEY: 'sandbox',
        AWS_ENDPOINT_URL: awsEndpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: awsEndpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      }),
      dynamoEndpoint,
      logDir: join(options.dir, 'logs'),
      ports: ports.regions,
      scale,
    },
    supervisor,
    (_region, documents) => documents.forEach((document) => metrics.putEmf(document)),
  );
  fleet.forEach((host, region) => hosts.set(region, host));

  const regionsStarted = Date.now();
  await Promise.all([...hosts.values()].map((host) => host.start()));
  const regionsMs = Date.now() - regionsStarted;

  const schedules = startSchedules({ deployment, hosts, replication, metrics, scale, log });
  cleanup.push(() => schedules.stop());
  await checkers.probeAll();
  checkers.start();

  const token = developmentToken({
    deployment,
    secretValue: (name) => secrets.get(name)?.value,
    appName: config.appName,
    publicName: config.publicName,
    nowMs: Date.now(),
  });
  const endpoints = endpointsOf({
    scale,
    startedAt,
    awsEndpoint,
    dnsPort: dnsServer.port,
    dynamoEndpoint,
    publicName: config.publicName,
    hostedZoneId: config.hostedZone.id,
    token,
    regions: deployment.regionSpecs.map((spec) => ({
      spec,
      port: hosts.get(spec.region)?.port ?? 0,
      address: dns.address(spec.region),
    })),
  });
  writeEndpoints(options.dir, endpoints);
  cleanup.push(() => rmSync(join(options.dir, ENDPOINTS_FILE), { force: true }));

  let stopping: Promise<void> | undefined;
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  const stop = () => {
    stopping ??= (async () => {
      for (const step of cleanup.reverse()) {
        try {
          await step();
        } catch (error) {
          // whatever fails here, the processes below are still stopped
          log(`stopping: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const left = await supervisor.stopAll();
      if (left.length > 0) log(`processes that would not stop: ${left.join(', ')}`);
      markStopped();
    })();
    return stopping;
  };
  const controls = new SandboxControls({
    regions: deployment.regions,
    hosts,
    replication,
    mappings: schedules.mappings,
    checkers,
    regionHealthCheck: health.healthCheckOf,
    scale,
    startedAt,
    stop,
  });
  controlsRef.current = controls;
  supervisor.markReady();
  return {
    dir: options.dir,
    endpoints,
    config,
    deployment,
    scale,
    startup: {
      totalMs: Date.now() - started,
      buildMs: data.buildMs,
      synthMs: blueprint.timings.synthMs,
      bundleMs: blueprint.timings.bundleMs,
      dynamoMs: data.dynamoMs,
      regionsMs,
    },
    replication,
    controls,
    metrics,
    heartbeatEveryMs: schedules.heartbeatEveryMs,
    resolve: (name, query = {}) =>
      dns.resolve(
        name,
        query.type ?? 'A',
        query.from ?? options.clientRegion ?? config.primaryRegion,
      ),
    regionOfAddress: (address) => dns.regionOfAddress(address),
    regionHealthy: health.healthy,
    status: () => controls.status(),
    stop,
    stopped,
  };
}

/** Each function kind's bundle file. */
function functionBundles(blueprint: Blueprint, buildDir: string): Record<FunctionKind, string> {
  return Object.fromEntries(
    (Object.keys(blueprint.bundles) as (keyof Blueprint['bundles'])[])
      .filter((name) => name !== 'regionHost')
      .map((name) => [name, join(buildDir, blueprint.bundles[name])]),
  ) as Record<FunctionKind, string>;
}
