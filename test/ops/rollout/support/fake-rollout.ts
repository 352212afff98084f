import { guardPropertiesOf } from '../../../../lambda/contract/rollout-guard-properties';
import type { RolloutPhase, WriteClass, DataDomain } from '../../../../lambda/domain/catalog';
import {
  buildWritePolicy,
  resolveDomainPhases,
  serializeWritePolicy,
} from '../../../../lambda/domain/write-policy';
import type { CliDeps } from '../../../../lib/ops/cli/context';
import { registerCostCommands } from '../../../../lib/ops/cli/cost-commands';
import { runCli } from '../../../../lib/ops/cli/program';
import { rolloutCommandGroup } from '../../../../lib/ops/cli/rollout-commands';
import type {
  FiringAlarm,
  MetricRequest,
  MetricWindow,
  RolloutGateway,
} from '../../../../lib/ops/rollout/gateway';
import { testCliDeps, writeCdkJson } from '../../support/cli-harness';
import { rawConfig } from '../../support/config';

export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
export const NOW = new Date('2026-03-01T12:00:30Z');

interface StoredMetric {
  readonly region: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly values: number[];
}

/**
 * An in-memory AWS for `aactl rollout`: stack outputs, metrics (matched by namespace, name and
 * exact dimensions, so the queries' shape is tested too) and alarms, per region.
 */
export class FakeRolloutWorld {
  readonly outputs = new Map<string, Record<string, string>>();
  readonly metrics: StoredMetric[] = [];
  readonly alarms = new Map<string, FiringAlarm[]>();
  readonly failingMetricRegions = new Set<string>();
  readonly calls: string[] = [];
  readonly windows: MetricWindow[] = [];

  /** Deploy the app at a rollout (data stack state + every region's write policy). */
  deploy(
    phase: RolloutPhase,
    options: {
      domains?: Partial<Record<DataDomain, RolloutPhase>>;
      limitedWriteClasses?: WriteClass[];
      regions?: string[];
    } = {},
  ): this {
    const regions = options.regions ?? REGIONS;
    const state = {
      phase,
      domains: resolveDomainPhases(phase, options.domains),
      regions,
    };
    this.outputs.set('us-east-1/active-active-data', {
      TableName: 'active-active-data',
      RolloutState: JSON.stringify(
        guardPropertiesOf(state, {
          allowMultiStep: false,
          limitedWriteClasses: options.limitedWriteClasses ?? [],
        }),
      ),
    });
    for (const region of regions) this.deployRegion(region, phase, options);
    return this;
  }

  /** Deploy one region stack only (e.g. a deploy that stopped half-way). */
  deployRegion(
    region: string,
    phase: RolloutPhase,
    options: {
      domains?: Partial<Record<DataDomain, RolloutPhase>>;
      limitedWriteClasses?: WriteClass[];
    } = {},
  ): this {
    this.outputs.set(`${region}/active-active-region-${region}`, {
      WritePolicy: serializeWritePolicy(
        buildWritePolicy({
          region,
          primaryRegion: 'us-east-1',
          phase,
          domains: options.domains ?? {},
          limitedWriteClasses: options.limitedWriteClasses ?? [],
        }),
      ),
    });
    return this;
  }

  /** Heartbeat lag p99 for every region pair. */
  healthyLag(ms = 300): this {
    for (const region of REGIONS) {
      for (const source of REGIONS) {
        if (source !== region) this.lag(region, source, ms);
      }
    }
    return this;
  }

  lag(region: string, source: string, ms: number): this {
    this.metrics.push({
      region,
      namespace: 'ActiveActive',
      metricName: 'ReplicationLagMs',
      dimensions: { service: 'active-active', region, sourceRegion: source },
      values: [ms],
    });
    return this;
  }

  /** DynamoDB's ReplicationLatency, published in the sending region. */
  dynamoLag(receiving: string, source: string, ms: number): this {
    this.metrics.push({
      region: source,
      namespace: 'AWS/DynamoDB',
      metricName: 'ReplicationLatency',
      dimensions: { TableName: 'active-active-data', ReceivingRegion: receiving },
      values: [ms],
    });
    return this;
  }

  conflicts(region: string, domain: DataDomain, count: number): this {
    this.metrics.push({
      region,
      namespace: 'ActiveActive',
      metricName: 'Conflicts',
      dimensions: { service: 'active-active', region, dataClass: domain },
      values: [count],
    });
    return this;
  }

  divergence(value = 0): this {
    for (const region of REGIONS) {
      this.metrics.push({
        region,
        namespace: 'ActiveActive',
        metricName: 'DivergentEntities',
        dimensions: { service: 'active-active', region },
        values: [value],
      });
    }
    return this;
  }

  alarm(region: string, name: string): this {
    this.alarms.set(region, [
      ...(this.alarms.get(region) ?? []),
      { name, reason: 'Threshold Crossed', since: '2026-03-01T11:50:00.000Z' },
    ]);
    return this;
  }

  readonly gateway: RolloutGateway = {
    stackOutputs: async (region, stackName) => {
      this.calls.push(`DescribeStacks ${region} ${stackName}`);
      return this.outputs.get(`${region}/${stackName}`);
    },
    metricValues: async (region, requests: readonly MetricRequest[], window) => {
      this.calls.push(`GetMetricData ${region} ${requests.length}`);
      this.windows.push(window);
      if (this.failingMetricRegions.has(region)) {
        throw Object.assign(
          new Error('User is not authorized to perform cloudwatch:GetMetricData'),
          {
            name: 'AccessDenied',
          },
        );
      }
      return new Map(
        requests.map((request) => {
          const found = this.metrics.filter(
            (metric) =>
              metric.region === region &&
              metric.namespace === request.namespace &&
              metric.metricName === request.metricName &&
              JSON.stringify(sorted(metric.dimensions)) ===
                JSON.stringify(sorted(request.dimensions)),
          );
          return [request.id, found.flatMap((metric) => metric.values)];
        }),
      );
    },
    alarmsInAlarm: async (region, prefix) => {
      this.calls.push(`DescribeAlarms ${region} ${prefix}`);
      return this.alarms.get(region) ?? [];
    },
  };
}

function sorted(record: Readonly<Record<string, string>>) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Run `aactl` with the rollout and cost commands on a fake world. */
export async function runRollout(
  world: FakeRolloutWorld,
  argv: string[],
  config: Record<string, unknown> = rawConfig('read-local'),
) {
  const { deps, stdout, stderr } = testCliDeps({
    cwd: '/work/rollout',
    clock: { now: () => NOW.getTime() },
    sleep: async () => undefined,
    identity: { pid: 1, hostname: 'oncall' },
    // Built for every command by the shared context; the rollout commands never use them.
    makeGateways: () => ({}) as ReturnType<CliDeps['makeGateways']>,
  });
  const code = await runCli(['--cdk-json', writeCdkJson(config), ...argv], deps, [
    rolloutCommandGroup(() => world.gateway),
    registerCostCommands,
  ]);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
