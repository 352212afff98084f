/**
 * The hub's side of the region hosts: start one Node process per region (the bundled host,
 * ./region/host.ts) with an IPC channel, send it its functions, routes and network state, invoke
 * its scheduled and stream functions, collect its metrics, and kill or revive it by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import type { RegionSpec } from './deployment';
import type { Supervisor } from './processes';
import type {
  EmfDocument,
  FunctionKind,
  HostInit,
  HostMessage,
  HubMessage,
  NetworkState,
} from './region/protocol';

/** How to start one region's host. */
export interface RegionHostSettings {
  readonly spec: RegionSpec;
  /** The host bundle. */
  readonly hostBundle: string;
  /** Bundle of each function kind. */
  readonly bundles: Readonly<Record<FunctionKind, string>>;
  readonly accountId: string;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly dynamoEndpoint: string;
  readonly logFile: string;
  /** Port to listen on (0: any free port; a revived host keeps its first port). */
  port: number;
}

/** One region's host process. */
export class RegionHost {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private network: NetworkState = { isolated: false, blockedRegions: [] };
  private clockOffsetMs = 0;
  /** Milliseconds the host took to load the bundles (cold starts) at its last start. */
  coldStartMs = 0;

  constructor(
    readonly settings: RegionHostSettings,
    private readonly supervisor: Supervisor,
    private readonly onMetrics: (region: string, documents: readonly EmfDocument[]) => void,
  ) {}

  get region(): string {
    return this.settings.spec.region;
  }

  /** Whether the process runs. */
  get alive(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  get pid(): number | undefined {
    return this.alive ? this.child?.pid : undefined;
  }

  get port(): number {
    return this.settings.port;
  }

  get clockOffset(): number {
    return this.clockOffsetMs;
  }

  /** Start the process and wait until it serves. */
  async start(timeoutMs = 60_000): Promise<void> {
    const log = openSync(this.settings.logFile, 'a');
    const child = spawn(process.execPath, [this.settings.hostBundle], {
      stdio: ['ignore', log, log, 'ipc'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TZ: 'UTC',
        ...this.settings.baseEnv,
      },
    });
    this.child = child;
    this.supervisor.track(`region:${this.region}`, child);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `region ${this.region} did not start within ${timeoutMs} ms; see ${this.settings.logFile}`,
            ),
          ),
        timeoutMs,
      );
      child.on('message', (raw) => {
        const message = raw as HostMessage;
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.settings.port = message.port;
          this.coldStartMs = message.startMs;
          resolve();
        } else if (message.type === 'fatal') {
          clearTimeout(timer);
          reject(
            new Error(
              `region ${this.region} failed to start: ${message.error}; see ${this.settings.logFile}`,
            ),
          );
        } else if (message.type === 'metrics') {
          this.onMetrics(this.region, message.documents);
        } else if (message.type === 'result') {
          const waiter = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.ok) waiter?.resolve(message.value);
          else waiter?.reject(new Error(message.error));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        for (const waiter of this.pending.values())
          waiter.reject(new Error(`region ${this.region} stopped`));
        this.pending.clear();
        reject(
          new Error(
            `region ${this.region} exited (${signal ?? code}) while starting; see ${this.settings.logFile}`,
          ),
        );
      });
    });
    const { spec } = this.settings;
    const functions = Object.fromEntries(
      Object.entries(spec.functions).map(([kind, fn]) => [
        kind,
        { ...fn, bundle: this.settings.bundles[kind as FunctionKind] },
      ]),
    );
    this.send({
      type: 'init',
      region: spec.region,
      accountId: this.settings.accountId,
      apiId: spec.apiId,
      port: this.settings.port,
      functions,
      routes: spec.routes,
      ...(spec.authorizer === undefined ? {} : { authorizer: spec.authorizer }),
      baseEnv: this.settings.baseEnv,
      dynamoEndpoint: this.settings.dynamoEndpoint,
      network: this.network,
      clockOffsetMs: this.clockOffsetMs,
    } satisfies HostInit);
    await ready;
  }

  /** Kill the process (SIGKILL: a region's compute lost at once). */
  async kill(): Promise<void> {
    await this.supervisor.stop(`region:${this.region}`, 0);
  }

  /** Stop the process gracefully. */
  async stop(): Promise<void> {
    await this.supervisor.stop(`region:${this.region}`);
  }

  setNetwork(network: NetworkState): void {
    this.network = network;
    if (this.alive) this.send({ type: 'network', network });
  }

  setClockOffset(offsetMs: number): void {
    this.clockOffsetMs = offsetMs;
    if (this.alive) this.send({ type: 'clock', offsetMs });
  }

  /** Invoke one of the region's functions with an event (as EventBridge or a mapping would). */
  invoke(kind: FunctionKind, event: unknown): Promise<unknown> {
    if (!this.alive) return Promise.reject(new Error(`region ${this.region} is not running`));
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'invoke', id, function: kind, event });
    });
  }

  private send(message: HubMessage): void {
    this.child?.send(message);
  }
}

/**
 * Function environment variables that hold intervals, scaled with the sandbox's other intervals
 * (the divergence probe's grace period: at scale 0.1 a replica lagging 30 s, not 5 min, counts).
 */
export const SCALED_ENVIRONMENT: readonly string[] = ['DIVERGENCE_GRACE_MS'];

/** A function environment with its intervals scaled (never below 1 s). */
export function scaledEnvironment(
  environment: Readonly<Record<string, string>>,
  scale: number,
): Record<string, string> {
  const scaled = { ...environment };
  for (const name of SCALED_ENVIRONMENT) {
    const value = Number(environment[name]);
    if (environment[name] !== undefined && Number.isFinite(value)) {
      scaled[name] = String(Math.max(1000, Math.round(value * scale)));
    }
  }
  return scaled;
}

/** What every region host of a sandbox shares. */
export interface RegionFleetSettings {
  readonly regionSpecs: readonly RegionSpec[];
  readonly hostBundle: string;
  readonly bundles: Readonly<Record<FunctionKind, string>>;
  readonly accountId: string;
  /** The environment of `region`'s functions besides their own (region, endpoints, keys). */
  baseEnv(region: string): Record<string, string>;
  readonly dynamoEndpoint: string;
  readonly logDir: string;
  /** Fixed ports, in region order (0 or none: a free port). */
  readonly ports: readonly number[];
  readonly scale: number;
}

/** One host per region (not started), their functions' intervals scaled. */
export function createRegionHosts(
  settings: RegionFleetSettings,
  supervisor: Supervisor,
  onMetrics: (region: string, documents: readonly EmfDocument[]) => void,
): Map<string, RegionHost> {
  return new Map(
    settings.regionSpecs.map((spec, index) => {
      const functions = Object.fromEntries(
        Object.entries(spec.functions).map(([kind, fn]) => [
          kind,
          { ...fn, environment: scaledEnvironment(fn.environment, settings.scale) },
        ]),
      );
      const host = new RegionHost(
        {
          spec: { ...spec, functions },
          hostBundle: settings.hostBundle,
          bundles: settings.bundles,
          accountId: settings.accountId,
          baseEnv: settings.baseEnv(spec.region),
          dynamoEndpoint: settings.dynamoEndpoint,
          logFile: join(settings.logDir, `${spec.region}.log`),
          port: settings.ports[index] ?? 0,
        },
        supervisor,
        onMetrics,
      );
      return [spec.region, host];
    }),
  );
}
