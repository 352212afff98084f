import { APP_METRICS, AWS_METRICS } from '../../../lambda/contract/metrics';
import { DATA_DOMAINS, type DataDomain } from '../../../lambda/contract/rollout';
import type { FiringAlarm, MetricRequest } from './gateway';

/**
 * Promotion gates: what must hold in every region before a domain (or the global phase) moves one
 * step up. Pure: which metrics to read, and how to judge what came back.
 *
 * - replication lag: p99 of `ActiveActive/ReplicationLagMs` (the heartbeat probe, per region pair),
 *   falling back to the maximum of `AWS/DynamoDB/ReplicationLatency` (an average per minute, so
 *   only a fallback) when a pair has no heartbeat data;
 * - conflict rate: `ActiveActive/Conflicts` per data domain (dimension `dataClass`), per minute;
 * - divergence: the maximum of `ActiveActive/DivergentEntities`;
 * - alarms: the app's alarms (`<appName>-*`) in ALARM.
 *
 * A gate without data says `no-data`, and no data blocks a promotion unless the operator passes
 * `--allow-missing-data`: a gate that cannot see is not a gate. One exception: `Conflicts` is
 * counted only when a conflict happens, so when it has no datapoints but the same region's conflict
 * feed demonstrably ran (it measured heartbeats), the rate is zero, not unknown.
 */

/** Limits of the gates. */
export interface GateThresholds {
  /** Highest acceptable replication lag p99, ms. */
  readonly maxLagP99Ms: number;
  /** Highest acceptable conflicts per minute, per region and domain. */
  readonly maxConflictsPerMinute: number;
  /** Highest acceptable number of divergent entities. */
  readonly maxDivergentEntities: number;
}

/** The default limits (`aactl rollout status` flags override them). */
export const DEFAULT_THRESHOLDS: GateThresholds = {
  maxLagP99Ms: 2000,
  maxConflictsPerMinute: 1,
  maxDivergentEntities: 0,
};

export type GateName = 'replication-lag' | 'conflict-rate' | 'divergence' | 'alarms';
export type GateStatus = 'pass' | 'fail' | 'no-data';

/** One gate in one region (and, for conflicts, one domain). */
export interface GateResult {
  readonly gate: GateName;
  readonly status: GateStatus;
  /** The measured value, or null without data. */
  readonly value: number | null;
  readonly limit: number;
  readonly unit: string;
  /** What was measured, or why nothing was. */
  readonly detail: string;
}

/** What a planned metric means. */
export type MetricPurpose =
  | { readonly kind: 'lag'; readonly region: string; readonly source: string }
  | { readonly kind: 'dynamodb-lag'; readonly region: string; readonly source: string }
  | { readonly kind: 'conflicts'; readonly region: string; readonly domain: DataDomain }
  | { readonly kind: 'divergence'; readonly region: string };

/** A metric to read, where to read it, and what it means. */
export interface PlannedMetric {
  /** CloudWatch region holding the metric. */
  readonly cloudwatchRegion: string;
  readonly request: MetricRequest;
  readonly purpose: MetricPurpose;
}

/** Every metric the gates read, for every region. */
export function planGateMetrics(config: {
  readonly appName: string;
  readonly tableName: string;
  /** Every region, primary first. */
  readonly regions: readonly string[];
}): PlannedMetric[] {
  const planned: PlannedMetric[] = [];
  config.regions.forEach((region, r) => {
    const service = { service: config.appName, region };
    config.regions.forEach((source, s) => {
      if (source === region) return;
      planned.push({
        cloudwatchRegion: region,
        request: {
          id: `lag_${r}_${s}`,
          namespace: APP_METRICS.replicationLagMs.namespace,
          metricName: APP_METRICS.replicationLagMs.name,
          dimensions: { ...service, sourceRegion: source },
          stat: 'p99',
        },
        purpose: { kind: 'lag', region, source },
      });
      // DynamoDB publishes ReplicationLatency in the sending region, per receiving region.
      planned.push({
        cloudwatchRegion: source,
        request: {
          id: `ddb_${r}_${s}`,
          namespace: AWS_METRICS.dynamodbReplicationLatency.namespace,
          metricName: AWS_METRICS.dynamodbReplicationLatency.name,
          dimensions: { TableName: config.tableName, ReceivingRegion: region },
          stat: 'Maximum',
        },
        purpose: { kind: 'dynamodb-lag', region, source },
      });
    });
    DATA_DOMAINS.forEach((domain, d) => {
      planned.push({
        cloudwatchRegion: region,
        request: {
          id: `conflicts_${r}_${d}`,
          namespace: APP_METRICS.conflicts.namespace,
          metricName: APP_METRICS.conflicts.name,
          dimensions: { ...service, dataClass: domain },
          stat: 'Sum',
        },
        purpose: { kind: 'conflicts', region, domain },
      });
    });
    planned.push({
      cloudwatchRegion: region,
      request: {
        id: `divergent_${r}`,
        namespace: APP_METRICS.divergentEntities.namespace,
        metricName: APP_METRICS.divergentEntities.name,
        dimensions: service,
        stat: 'Maximum',
      },
      purpose: { kind: 'divergence', region },
    });
  });
  return planned;
}

/** Alarms read in one CloudWatch region, or why they could not be. */
export type AlarmReading = readonly FiringAlarm[] | { readonly error: string };

/** What the gates of one region are judged from. */
export interface GateEvidence {
  readonly planned: readonly PlannedMetric[];
  /** Datapoint values by request id (all CloudWatch regions together). */
  readonly values: ReadonlyMap<string, readonly number[]>;
  /** Why a CloudWatch region's metrics could not be read. */
  readonly metricErrors: ReadonlyMap<string, string>;
  readonly windowMinutes: number;
}

/** The gates of one region. */
export interface RegionGates {
  readonly lag: GateResult;
  readonly divergence: GateResult;
  readonly alarms: GateResult;
  readonly conflicts: Readonly<Record<DataDomain, GateResult>>;
}

/** Judge every gate of `region`. */
export function evaluateRegionGates(
  region: string,
  evidence: GateEvidence,
  alarms: AlarmReading,
  thresholds: GateThresholds,
): RegionGates {
  const mine = evidence.planned.filter((entry) => entry.purpose.region === region);
  const valuesOf = (entry: PlannedMetric) => evidence.values.get(entry.request.id) ?? [];
  const unreadable = (entry: PlannedMetric) => evidence.metricErrors.get(entry.cloudwatchRegion);

  const lag = lagGate(mine, valuesOf, unreadable, thresholds);
  const heartbeatsSeen = mine.some(
    (entry) => entry.purpose.kind === 'lag' && valuesOf(entry).length > 0,
  );
  const conflicts = Object.fromEntries(
    DATA_DOMAINS.map((domain) => {
      const entry = mine.find(
        (candidate) =>
          candidate.purpose.kind === 'conflicts' && candidate.purpose.domain === domain,
      );
      return [
        domain,
        conflictGate(
          region,
          entry === undefined ? [] : valuesOf(entry),
          entry === undefined ? undefined : unreadable(entry),
          heartbeatsSeen,
          evidence.windowMinutes,
          thresholds,
        ),
      ];
    }),
  ) as Record<DataDomain, GateResult>;
  const divergentEntry = mine.find((entry) => entry.purpose.kind === 'divergence');
  const divergence = divergenceGate(
    divergentEntry === undefined ? [] : valuesOf(divergentEntry),
    divergentEntry === undefined ? undefined : unreadable(divergentEntry),
    thresholds,
  );
  return { lag, divergence, alarms: alarmGate(alarms), conflicts };
}

/** The alarms gate from what DescribeAlarms answered. */
export function alarmGate(alarms: AlarmReading): GateResult {
  if ('error' in alarms) {
    return {
      gate: 'alarms',
      status: 'no-data',
      value: null,
      limit: 0,
      unit: 'alarms',
      detail: `alarms could not be read: ${alarms.error}`,
    };
  }
  const list = alarms as readonly FiringAlarm[];
  return {
    gate: 'alarms',
    status: list.length === 0 ? 'pass' : 'fail',
    value: list.length,
    limit: 0,
    unit: 'alarms',
    detail:
      list.length === 0 ? 'no alarm in ALARM' : `in ALARM: ${list.map((a) => a.name).join(', ')}`,
  };
}

function lagGate(
  mine: readonly PlannedMetric[],
  valuesOf: (entry: PlannedMetric) => readonly number[],
  unreadable: (entry: PlannedMetric) => string | undefined,
  thresholds: GateThresholds,
): GateResult {
  const base = { gate: 'replication-lag' as const, limit: thresholds.maxLagP99Ms, unit: 'ms' };
  const sources = mine.flatMap((entry) => (entry.purpose.kind === 'lag' ? [entry] : []));
  if (sources.length === 0) {
    return { ...base, status: 'pass', value: 0, detail: 'single region: nothing to replicate' };
  }
  const measured: Array<{ source: string; value: number; how: string }> = [];
  const missing: string[] = [];
  for (const entry of sources) {
    const source = (entry.purpose as { source: string }).source;
    const heartbeat = valuesOf(entry);
    if (heartbeat.length > 0) {
      measured.push({ source, value: Math.max(...heartbeat), how: 'heartbeat p99' });
      continue;
    }
    const fallback = mine.find(
      (candidate) =>
        candidate.purpose.kind === 'dynamodb-lag' &&
        (candidate.purpose as { source: string }).source === source,
    );
    const fallbackValues = fallback === undefined ? [] : valuesOf(fallback);
    if (fallbackValues.length > 0) {
      measured.push({
        source,
        value: Math.max(...fallbackValues),
        how: 'DynamoDB ReplicationLatency max (fallback)',
      });
    } else {
      const error = unreadable(entry) ?? (fallback ? unreadable(fallback) : undefined);
      missing.push(error === undefined ? `from ${source}` : `from ${source} (${error})`);
    }
  }
  const worst = measured.reduce<(typeof measured)[number] | undefined>(
    (max, entry) => (max === undefined || entry.value > max.value ? entry : max),
    undefined,
  );
  if (missing.length > 0) {
    return {
      ...base,
      status: 'no-data',
      value: worst?.value ?? null,
      detail: `no lag data ${missing.join(', ')}${worst ? `; worst measured ${Math.round(worst.value)} ms from ${worst.source}` : ''}`,
    };
  }
  const value = (worst as (typeof measured)[number]).value;
  return {
    ...base,
    status: value <= thresholds.maxLagP99Ms ? 'pass' : 'fail',
    value,
    detail: `${Math.round(value)} ms from ${(worst as (typeof measured)[number]).source} (${(worst as (typeof measured)[number]).how}, worst of ${measured.length})`,
  };
}

function conflictGate(
  region: string,
  values: readonly number[],
  error: string | undefined,
  heartbeatsSeen: boolean,
  windowMinutes: number,
  thresholds: GateThresholds,
): GateResult {
  const base = {
    gate: 'conflict-rate' as const,
    limit: thresholds.maxConflictsPerMinute,
    unit: 'per minute',
  };
  if (values.length === 0) {
    if (error === undefined && heartbeatsSeen) {
      return {
        ...base,
        status: 'pass',
        value: 0,
        detail: `no conflict recorded; the conflict feed in ${region} ran (it measured heartbeats)`,
      };
    }
    return {
      ...base,
      status: 'no-data',
      value: null,
      detail:
        error !== undefined
          ? `metrics could not be read: ${error}`
          : `no Conflicts datapoints and no sign of the conflict feed in ${region}`,
    };
  }
  const total = values.reduce((sum, value) => sum + value, 0);
  const rate = total / windowMinutes;
  return {
    ...base,
    status: rate <= thresholds.maxConflictsPerMinute ? 'pass' : 'fail',
    value: rate,
    detail: `${total} conflicts in ${windowMinutes} min`,
  };
}

function divergenceGate(
  values: readonly number[],
  error: string | undefined,
  thresholds: GateThresholds,
): GateResult {
  const base = {
    gate: 'divergence' as const,
    limit: thresholds.maxDivergentEntities,
    unit: 'entities',
  };
  if (values.length === 0) {
    return {
      ...base,
      status: 'no-data',
      value: null,
      detail:
        error !== undefined
          ? `metrics could not be read: ${error}`
          : 'no DivergentEntities datapoints (is the divergence probe running?)',
    };
  }
  const value = Math.max(...values);
  return {
    ...base,
    status: value <= thresholds.maxDivergentEntities ? 'pass' : 'fail',
    value,
    detail: `at most ${value} divergent`,
  };
}

/** Whether a gate lets a promotion through. */
export function gateAllows(result: GateResult, allowMissingData: boolean): boolean {
  return result.status === 'pass' || (result.status === 'no-data' && allowMissingData);
}

/** One line for a gate that blocks (or would without --allow-missing-data). */
export function describeBlocker(region: string, result: GateResult): string {
  const what = {
    'replication-lag': 'replication lag p99',
    'conflict-rate': 'conflict rate',
    divergence: 'divergent entities',
    alarms: 'alarms',
  }[result.gate];
  if (result.status === 'no-data') return `${region}: ${what}: no data (${result.detail})`;
  const value =
    result.value === null ? '?' : `${Math.round(result.value * 100) / 100} ${result.unit}`;
  return `${region}: ${what} ${value} > ${result.limit} ${result.unit} (${result.detail})`;
}
