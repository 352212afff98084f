import {
  dataStackName,
  regionAlarmName,
  regionStackName,
  TAG_APP,
  TAG_REGION,
} from '../../../lambda/contract/naming';
import { guardPropertiesOf } from '../../../lambda/contract/rollout-guard-properties';
import type { RolloutPhase } from '../../../lambda/domain/catalog';
import { resolveDomainPhases } from '../../../lambda/domain/write-policy';
import { HEALTH_CHECKER_REGIONS } from '../../../lib/config/regions';
import type { AlarmsGateway } from '../../../lib/ops/gateways/alarms';
import type { DrainFlag, DrainFlagState, DrainGateway } from '../../../lib/ops/gateways/drain';
import type { DrillHistoryGateway, DrillRecord } from '../../../lib/ops/gateways/drill-history';
import type { DrillMetrics, MetricsGateway } from '../../../lib/ops/gateways/metrics';
import type {
  DnsQuery,
  HealthCheckDetails,
  Route53Gateway,
  TaggedHealthCheck,
} from '../../../lib/ops/gateways/route53';
import type { StackState, StacksGateway } from '../../../lib/ops/gateways/stacks';
import type { MovedTenant, TenantsGateway } from '../../../lib/ops/gateways/tenants';
import type { CheckerObservation } from '../../../lib/ops/health';
import type { OpsGateways } from '../../../lib/ops/live';
import { abortError, type Clock, type Sleep } from '../../../lib/ops/progress';
import { VANTAGE_SUBNETS } from '../../../lib/ops/vantage-points';
import { ROLLOUT_STATE_OUTPUT } from '../../../lib/rollout/model';

/**
 * An in-memory Route 53 + drain flags with a simulated clock, for fast deterministic drills.
 *
 * Model: each region's endpoint is healthy unless `endpointDown` or drained. Checkers notice a
 * change of the endpoint after `detectionDelayMs`; Route 53 applies `Inverted` at once; DNS
 * follows the effective health `dnsDelayMs` later. `sleep` advances the clock instead of waiting.
 *
 * Outages: while `unreachable(now)` holds, every gateway call hangs for ever (like an endpoint that
 * accepts connections and never answers). Deadlines use `timer`, fake timers that fire when
 * `sleep` passes them or, when everything waits on hung calls, by jumping the clock to the next
 * one (as a real clock would get there).
 */

/** An error to throw from a gateway method on its next calls. */
type Faults = Partial<Record<string, Error[]>>;

interface CheckState {
  id: string;
  region: string;
  version: number;
  disabled: boolean;
  tags: Record<string, string>;
  invertedHistory: { at: number; value: boolean }[];
}

/** Representative address of a region's API endpoint in the fake DNS. */
export function endpointIp(regions: readonly string[], region: string): string {
  return `198.51.100.${regions.indexOf(region) + 10}`;
}

export class FakeWorld {
  now = Date.parse('2025-03-01T12:00:00Z');
  readonly regions: string[];
  readonly phase: RolloutPhase;
  readonly primary: string;
  detectionDelayMs = 20_000;
  dnsDelayMs = 40_000;
  readonly checks: CheckState[];
  readonly endpointDown = new Set<string>();
  readonly drainHistory = new Map<string, { at: number; flag: DrainFlag | undefined }[]>();
  readonly log: string[] = [];
  readonly metrics: DrillMetrics[] = [];
  readonly faults: Faults = {};
  /** Fails chosen TestDNSAnswer queries. */
  dnsFault: (query: DnsQuery) => Error | undefined = () => undefined;
  /** Called as simulated time passes (every second): tests abort or break things mid-drill. */
  onSleep: (world: FakeWorld) => void = () => undefined;
  /** Whether AWS is unreachable at a time (calls made then never answer). */
  unreachable: (at: number) => boolean = () => false;
  /** Calls that hung (method names), in order. */
  readonly hung: string[] = [];
  private readonly timers: { at: number; fire: () => void }[] = [];
  readonly appName: string;
  /** Stacks by `region/name`; every region stack and the data stack exist, deployed at `phase`. */
  readonly stackStates = new Map<string, StackState>();
  /** Alarm states by `region/name`; each region's api-5xx and api-latency-p99 exist, OK. */
  readonly alarmStates = new Map<string, string>();
  /** The shared drill history, per region replica. */
  readonly drillHistory = new Map<string, DrillRecord[]>();

  constructor(options: { regions?: string[]; phase?: RolloutPhase; appName?: string } = {}) {
    this.regions = options.regions ?? ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    this.phase = options.phase ?? 'active-active';
    this.primary = this.regions[0] ?? 'us-east-1';
    this.checks = this.regions.map((region, index) => ({
      id: `hc-${index + 1}`,
      region,
      version: 1,
      disabled: false,
      tags: { [TAG_APP]: options.appName ?? 'active-active', [TAG_REGION]: region },
      invertedHistory: [{ at: 0, value: false }],
    }));
    this.appName = options.appName ?? 'active-active';
    for (const region of this.regions) {
      this.regionStack(region, 'UPDATE_COMPLETE');
      this.alarm(region, 'api-5xx', 'OK');
      this.alarm(region, 'api-latency-p99', 'OK');
    }
    this.deployPhase(this.phase);
  }

  readonly clock: Clock = { now: () => this.now };

  /** Advances the clock a second at a time, so an abort mid-wait ends the wait there. */
  readonly sleep: Sleep = async (ms, signal) => {
    let left = ms;
    do {
      if (signal?.aborted) throw abortError();
      const step = Math.min(left, 1000);
      this.now += step;
      left -= step;
      this.fireDueTimers();
      this.onSleep(this);
    } while (left > 0);
    if (signal?.aborted) throw abortError();
  };

  /** Fake timers for deadlines. */
  readonly timer: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const entry = { at: this.now + ms, fire: resolve };
      this.timers.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.removeTimer(entry);
          reject(abortError());
        },
        { once: true },
      );
    });

  /** Pending fake timers. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  private removeTimer(entry: { at: number; fire: () => void }): void {
    const index = this.timers.indexOf(entry);
    if (index >= 0) this.timers.splice(index, 1);
  }

  private fireDueTimers(): void {
    for (const entry of this.timers.filter((candidate) => candidate.at <= this.now)) {
      this.removeTimer(entry);
      entry.fire();
    }
  }

  /**
   * Nothing but timers can move on: advance the clock to the next one and fire it, and look
   * again once its effects have run (a timer of a call given up on may fire first).
   */
  private advanceToNextTimer(): void {
    const next = Math.min(...this.timers.map((entry) => entry.at));
    if (!Number.isFinite(next)) return;
    this.now = Math.max(this.now, next);
    this.fireDueTimers();
    this.onSleep(this);
    setImmediate(() => this.advanceToNextTimer());
  }

  /** Answer, or hang for ever while unreachable. */
  private async reach(method: string): Promise<void> {
    if (!this.unreachable(this.now)) return;
    this.hung.push(method);
    // Runs once every pending promise job is done, i.e. when all that is left is waiting.
    setImmediate(() => this.advanceToNextTimer());
    await new Promise<never>(() => undefined);
  }

  check(region: string): CheckState {
    const found = this.checks.find((check) => check.region === region);
    if (found === undefined) throw new Error(`no fake check for ${region}`);
    return found;
  }

  invertedAt(check: CheckState, at: number): boolean {
    return [...check.invertedHistory].reverse().find((entry) => entry.at <= at)?.value ?? false;
  }

  drainedAt(region: string, at: number): boolean {
    const history = this.drainHistory.get(region) ?? [];
    return [...history].reverse().find((entry) => entry.at <= at)?.flag !== undefined;
  }

  /** What the checkers see at `at`: the endpoint as it was `detectionDelayMs` earlier. */
  endpointHealthyAt(region: string, at: number): boolean {
    return !this.endpointDown.has(region) && !this.drainedAt(region, at - this.detectionDelayMs);
  }

  effectiveHealthyAt(region: string, at: number): boolean {
    const check = this.check(region);
    const inverted = this.invertedAt(check, at);
    if (check.disabled) return !inverted;
    return this.endpointHealthyAt(region, at) !== inverted;
  }

  /** Regions DNS answers with at the current time. */
  servingNow(): string[] {
    const at = this.now - this.dnsDelayMs;
    const healthy = this.regions.filter((region) => this.effectiveHealthyAt(region, at));
    if (this.phase === 'active-passive') {
      if (healthy.includes(this.primary)) return [this.primary];
      const standbys = healthy.filter((region) => region !== this.primary);
      return standbys.length > 0 ? standbys : [this.primary];
    }
    return healthy.length > 0 ? healthy : [...this.regions];
  }

  private fault(method: string): void {
    const error = this.faults[method]?.shift();
    if (error !== undefined) throw error;
  }

  private details(check: CheckState): HealthCheckDetails {
    return {
      id: check.id,
      version: check.version,
      inverted: this.invertedAt(check, this.now),
      disabled: check.disabled,
      fqdn: `${check.region}.api.example.com`,
    };
  }

  private byId(id: string): CheckState {
    const found = this.checks.find((check) => check.id === id);
    if (found === undefined) {
      const error = new Error(`A health check with id ${id} does not exist.`);
      error.name = 'NoSuchHealthCheck';
      throw error;
    }
    return found;
  }

  get route53(): Route53Gateway {
    return {
      listAppHealthChecks: async (appName) => {
        await this.reach('listAppHealthChecks');
        this.fault('listAppHealthChecks');
        this.log.push('listAppHealthChecks');
        return this.checks
          .filter((check) => check.tags[TAG_APP] === appName)
          .map((check): TaggedHealthCheck => ({ ...this.details(check), tags: { ...check.tags } }));
      },
      getHealthCheck: async (id) => {
        await this.reach('getHealthCheck');
        this.fault('getHealthCheck');
        return this.details(this.byId(id));
      },
      getHealthCheckStatus: async (id) => {
        await this.reach('getHealthCheckStatus');
        this.fault('getHealthCheckStatus');
        const check = this.byId(id);
        const ok = this.endpointHealthyAt(check.region, this.now);
        return HEALTH_CHECKER_REGIONS.map((checkerRegion): CheckerObservation => ({
          checkerRegion,
          status: ok
            ? 'Success: HTTP Status Code 200, OK'
            : 'Failure: HTTP Status Code 503, Service Unavailable',
        }));
      },
      setInverted: async (id, inverted, version) => {
        await this.reach('setInverted');
        this.fault('setInverted');
        const check = this.byId(id);
        if (version !== check.version) {
          const error = new Error('The value of HealthCheckVersion in the request doesnt match');
          error.name = 'HealthCheckVersionMismatch';
          throw error;
        }
        this.log.push(`setInverted ${check.region} ${inverted} v${version}`);
        check.version += 1;
        check.invertedHistory.push({ at: this.now, value: inverted });
        return this.details(check);
      },
      getTags: async (ids) => {
        await this.reach('getTags');
        this.fault('getTags');
        return new Map(ids.map((id) => [id, { ...this.byId(id).tags }]));
      },
      putTag: async (id, key, value) => {
        await this.reach('putTag');
        this.fault('putTag');
        this.log.push(`putTag ${this.byId(id).region} ${key}`);
        this.byId(id).tags[key] = value;
      },
      removeTag: async (id, key) => {
        await this.reach('removeTag');
        this.fault('removeTag');
        this.log.push(`removeTag ${this.byId(id).region} ${key}`);
        delete this.byId(id).tags[key];
      },
      testDnsAnswer: async (query) => {
        await this.reach('testDnsAnswer');
        this.fault('testDnsAnswer');
        const injected = this.dnsFault(query);
        if (injected !== undefined) throw injected;
        const regional = this.regions.find(
          (region) => query.recordName === `${region}.api.example.com`,
        );
        if (regional !== undefined) {
          return { responseCode: 'NOERROR', recordData: [endpointIp(this.regions, regional)] };
        }
        const vantage = Object.entries(VANTAGE_SUBNETS).find(
          ([, subnet]) => subnet === query.clientSubnet,
        )?.[0];
        const serving = this.servingNow();
        const answer = vantage !== undefined && serving.includes(vantage) ? vantage : serving[0];
        return {
          responseCode: 'NOERROR',
          recordData: answer ? [endpointIp(this.regions, answer)] : [],
        };
      },
    };
  }

  get drain(): DrainGateway {
    const history = (region: string) => {
      const list = this.drainHistory.get(region) ?? [];
      this.drainHistory.set(region, list);
      return list;
    };
    return {
      setDrain: async (region, flag) => {
        await this.reach('setDrain');
        this.fault('setDrain');
        this.log.push(`setDrain ${region}`);
        history(region).push({ at: this.now, flag });
      },
      clearDrain: async (region) => {
        await this.reach('clearDrain');
        this.fault('clearDrain');
        this.log.push(`clearDrain ${region}`);
        history(region).push({ at: this.now, flag: undefined });
      },
      getDrain: async (region): Promise<DrainFlagState | undefined> => {
        await this.reach('getDrain');
        this.fault('getDrain');
        const flag = history(region).at(-1)?.flag;
        return flag === undefined ? undefined : { ...flag, drained: true };
      },
    };
  }

  get metricsGateway(): MetricsGateway {
    return {
      putDrillMetrics: async (metrics) => {
        await this.reach('putDrillMetrics');
        this.fault('putDrillMetrics');
        this.metrics.push(metrics);
      },
    };
  }

  get stacks(): StacksGateway {
    return {
      describeStack: async (region, stackName) => {
        await this.reach('describeStack');
        this.fault('describeStack');
        return this.stackStates.get(`${region}/${stackName}`);
      },
    };
  }

  get alarms(): AlarmsGateway {
    return {
      alarmStates: async (region, names) => {
        await this.reach('alarmStates');
        this.fault('alarmStates');
        return names.flatMap((name) => {
          const state = this.alarmStates.get(`${region}/${name}`);
          return state === undefined ? [] : [{ name, state, reason: `fake ${state}` }];
        });
      },
    };
  }

  get history(): DrillHistoryGateway {
    const records = (region: string) => {
      const list = this.drillHistory.get(region) ?? [];
      this.drillHistory.set(region, list);
      return list;
    };
    return {
      putRecord: async (region, record) => {
        await this.reach('putRecord');
        this.fault('putRecord');
        this.log.push(`putRecord ${region} ${record.drillId}`);
        records(region).push(JSON.parse(JSON.stringify(record)) as DrillRecord);
      },
      listRecords: async (region, limit) => {
        await this.reach('listRecords');
        this.fault('listRecords');
        return [...records(region)]
          .sort((a, b) => b.drillId.localeCompare(a.drillId))
          .slice(0, limit)
          .map(({ report: _report, ...summary }) => summary);
      },
      getRecord: async (region, drillId) => {
        await this.reach('getRecord');
        this.fault('getRecord');
        return records(region).find((record) => record.drillId === drillId);
      },
    };
  }

  /** Set a region's (or `global`) alarm state, e.g. `alarm('eu-west-1', 'api-5xx', 'ALARM')`. */
  alarm(region: string, name: string, state: string): void {
    this.alarmStates.set(`${region}/${regionAlarmName(this.appName, region, name)}`, state);
  }

  /** Set a region stack's status, e.g. `UPDATE_IN_PROGRESS`. */
  regionStack(region: string, status: string): void {
    const key = `${region}/${regionStackName(this.appName, region)}`;
    this.stackStates.set(key, { status, outputs: this.stackStates.get(key)?.outputs ?? {} });
  }

  /** Record `phase` as the deployed rollout phase (the data stack's RolloutState output). */
  deployPhase(phase: RolloutPhase): void {
    const state = { phase, domains: resolveDomainPhases(phase, {}), regions: this.regions };
    this.stackStates.set(`${this.primary}/${dataStackName(this.appName)}`, {
      status: 'UPDATE_COMPLETE',
      outputs: {
        [ROLLOUT_STATE_OUTPUT]: JSON.stringify(
          guardPropertiesOf(state, { allowMultiStep: false, limitedWriteClasses: [] }),
        ),
      },
    });
  }

  gateways(): OpsGateways {
    return {
      route53: this.route53,
      drain: this.drain,
      metrics: this.metricsGateway,
      stacks: this.stacks,
      alarms: this.alarms,
      history: this.history,
      tenants: this.tenants,
    };
  }

  /** Tenants moved recently, as the sparse index lists them. */
  readonly moved: MovedTenant[] = [];

  readonly tenants: TenantsGateway = {
    previewTakeover: async () => {
      throw new Error('not in the fake world');
    },
    takeOver: async () => {
      throw new Error('not in the fake world');
    },
    listMoved: async (_region, sinceMs) =>
      this.moved.filter((tenant) => tenant.movedAtMs >= sinceMs),
  };
}

/** An error with an AWS-like name. */
export function awsError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
