/**
 * Failures on demand, the sandbox's control API (`aactl sandbox partition|heal|isolate|kill|
 * revive|lag|clock|status|down`, over `/__sandbox/<command>` on the AWS endpoint): each changes
 * the replication engine's links, the region hosts' network, their processes or their clocks.
 */
import type { HealthCheckers } from './health-checks';
import type { RegionHost } from './region-hosts';
import type { SandboxReplication } from './replication';
import type { StreamMapping } from './stream-mapping';

/** What the controls act on. */
export interface ControlTargets {
  readonly regions: readonly string[];
  readonly hosts: ReadonlyMap<string, RegionHost>;
  readonly replication: SandboxReplication;
  readonly mappings: ReadonlyMap<string, StreamMapping>;
  readonly checkers: HealthCheckers;
  regionHealthCheck(region: string): string | undefined;
  readonly scale: number;
  readonly startedAt: Date;
  stop(): Promise<void>;
}

/** One region in `status`. */
export interface RegionStatus {
  readonly region: string;
  readonly pid: number | null;
  readonly running: boolean;
  readonly url: string;
  readonly isolated: boolean;
  /** Regions this one cannot reach (partitions and isolation). */
  readonly cutFrom: string[];
  readonly clockOffsetMs: number;
  /** Route 53's view of the region's health check. */
  readonly healthy: boolean;
  /** Conflict-feed records waiting for the region's function. */
  readonly streamWaiting: number;
}

/** `aactl sandbox status --json`. */
export interface SandboxStatus {
  readonly hubPid: number;
  readonly startedAt: string;
  readonly scale: number;
  readonly lagMs: number;
  readonly backlog: number;
  readonly partitions: string[];
  readonly regions: RegionStatus[];
}

/** The controls. */
export class SandboxControls {
  private readonly isolated = new Set<string>();
  private readonly cut = new Set<string>();

  constructor(private readonly targets: ControlTargets) {}

  /** Run a command of the control API. */
  async run(command: string, input: Readonly<Record<string, unknown>>): Promise<unknown> {
    const region = (name: string) => this.region(input[name]);
    switch (command) {
      case 'status':
        return this.status();
      case 'partition':
        this.partition(region('a'), region('b'));
        return this.status();
      case 'heal':
        if (input.region !== undefined) this.rejoin(region('region'));
        else if (input.a !== undefined || input.b !== undefined)
          this.heal(region('a'), region('b'));
        else this.healAll();
        return this.status();
      case 'isolate':
        this.isolate(region('region'));
        return this.status();
      case 'kill':
        await this.kill(region('region'));
        return this.status();
      case 'revive':
        await this.revive(region('region'));
        return this.status();
      case 'lag':
        this.targets.replication.setLag(Number(input.ms));
        return this.status();
      case 'clock':
        return {
          region: input.region,
          offsetMs: this.clock(region('region'), Number(input.ms), input.relative !== false),
        };
      case 'down':
        setImmediate(() => void this.targets.stop());
        return { stopping: true };
      default:
        throw new Error(
          `unknown sandbox command ${command}; use status, partition, heal, isolate, kill, revive, lag, clock or down`,
        );
    }
  }

  /** Cut replication and data-plane calls between two regions (both ways). */
  partition(a: string, b: string): void {
    if (a === b) throw new Error(`a partition needs two different regions, got ${a} twice`);
    this.cut.add(linkOf(a, b));
    this.targets.replication.replicator.partition(a, b);
    this.pushNetwork();
  }

  /** Heal one link. */
  heal(a: string, b: string): void {
    this.cut.delete(linkOf(a, b));
    this.targets.replication.replicator.heal(a, b);
    this.pushNetwork();
  }

  /** Heal every link and end every isolation. */
  healAll(): void {
    this.cut.clear();
    this.isolated.clear();
    this.targets.replication.replicator.heal();
    this.targets.replication.replicator.resume();
    this.pushNetwork();
  }

  /** Cut a region off from everything: clients, health checkers, other regions, replication. */
  isolate(region: string): void {
    this.isolated.add(region);
    this.targets.replication.replicator.pause(region);
    this.pushNetwork();
  }

  /** End a region's isolation. */
  rejoin(region: string): void {
    this.isolated.delete(region);
    this.targets.replication.replicator.resume(region);
    this.pushNetwork();
  }

  /** Kill a region's host (its API and functions; its replica keeps replicating). */
  async kill(region: string): Promise<void> {
    await this.host(region).kill();
  }

  /** Start a killed region's host again, on its port. */
  async revive(region: string): Promise<void> {
    const host = this.host(region);
    if (host.alive) throw new Error(`region ${region} is running; kill it first`);
    await host.start();
    host.setNetwork(this.networkOf(region));
  }

  /** Move a region's clock: by `ms` (relative) or to `ms` ahead of real time. Returns the offset. */
  clock(region: string, ms: number, relative: boolean): number {
    if (!Number.isFinite(ms))
      throw new Error(`clock needs a number of ms such as +5000, got ${ms}`);
    const host = this.host(region);
    const offset = relative ? host.clockOffset + ms : ms;
    host.setClockOffset(offset);
    return offset;
  }

  status(): SandboxStatus {
    return {
      hubPid: process.pid,
      startedAt: this.targets.startedAt.toISOString(),
      scale: this.targets.scale,
      lagMs: this.targets.replication.lagMs,
      backlog: this.targets.replication.backlog,
      partitions: [...this.cut].map((link) => link.replace('|', ' <-> ')),
      regions: this.targets.regions.map((region) => {
        const host = this.host(region);
        const check = this.targets.regionHealthCheck(region);
        return {
          region,
          pid: host.pid ?? null,
          running: host.alive,
          url: `http://127.0.0.1:${host.port}`,
          isolated: this.isolated.has(region),
          cutFrom: this.networkOf(region).blockedRegions.slice(),
          clockOffsetMs: host.clockOffset,
          healthy: check !== undefined && this.targets.checkers.isHealthy(check),
          streamWaiting: this.targets.mappings.get(region)?.waiting ?? 0,
        };
      }),
    };
  }

  private networkOf(region: string) {
    const isolated = this.isolated.has(region);
    const blockedRegions = this.targets.regions.filter(
      (other) =>
        other !== region &&
        (isolated || this.isolated.has(other) || this.cut.has(linkOf(region, other))),
    );
    return { isolated, blockedRegions };
  }

  private pushNetwork(): void {
    for (const region of this.targets.regions) this.host(region).setNetwork(this.networkOf(region));
  }

  private region(value: unknown): string {
    const region = String(value);
    if (!this.targets.regions.includes(region)) {
      throw new Error(`no sandbox region ${region}; regions: ${this.targets.regions.join(', ')}`);
    }
    return region;
  }

  private host(region: string): RegionHost {
    const host = this.targets.hosts.get(region);
    if (host === undefined) throw new Error(`no sandbox region ${region}`);
    return host;
  }
}

function linkOf(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
