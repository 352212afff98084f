/**
 * The sandbox's CloudWatch: datapoints from the functions' embedded metric format lines, from
 * PutMetricData (aactl's drill metrics) and from the sandbox itself (API Gateway, Lambda and
 * Route 53 health-check metrics, as AWS would publish them); statistics per period as
 * GetMetricData computes them; and the app's metric alarms evaluated on them.
 */
import type { AlarmSpec } from './deployment';

/** One datapoint. */
export interface Datapoint {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly timestampMs: number;
  readonly value: number;
  readonly unit?: string;
}

/** A metric and a statistic over a time range. */
export interface MetricQuery {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount` or a percentile such as `p99`. */
  readonly stat: string;
  readonly periodSeconds: number;
  readonly startMs: number;
  readonly endMs: number;
}

/** Values per period, newest first (GetMetricData's default order). */
export interface MetricSeries {
  readonly timestamps: number[];
  readonly values: number[];
}

/** How long datapoints are kept (CloudWatch keeps them longer; the sandbox runs for hours). */
const RETENTION_MS = 3 * 3_600_000;

/** One metric's datapoints with one set of dimensions, in arrival order. */
interface Series {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  timestamps: number[];
  values: number[];
}

/**
 * The metric store. Datapoints are kept per series (a query names its dimensions exactly, as
 * GetMetricData does), so a query reads one series, however many the health checkers and the
 * API add every second.
 */
export class MetricStore {
  private readonly series = new Map<string, Series>();

  put(point: Datapoint): void {
    const key = seriesKey(point.namespace, point.name, point.dimensions);
    let series = this.series.get(key);
    if (series === undefined) {
      series = {
        namespace: point.namespace,
        name: point.name,
        dimensions: { ...point.dimensions },
        timestamps: [],
        values: [],
      };
      this.series.set(key, series);
    }
    series.timestamps.push(point.timestampMs);
    series.values.push(point.value);
    if (series.timestamps.length % 4096 === 0) prune(series, Date.now() - RETENTION_MS);
  }

  /** Every datapoint of one embedded-metric-format document. */
  putEmf(document: Readonly<Record<string, unknown>>): number {
    const meta = document._aws as
      | {
          Timestamp?: number;
          CloudWatchMetrics?: {
            Namespace: string;
            Dimensions?: string[][];
            Metrics: { Name: string; Unit?: string }[];
          }[];
        }
      | undefined;
    let count = 0;
    for (const directive of meta?.CloudWatchMetrics ?? []) {
      const dimensionSets = directive.Dimensions?.length ? directive.Dimensions : [[]];
      for (const names of dimensionSets) {
        const dimensions = Object.fromEntries(names.map((name) => [name, String(document[name])]));
        for (const metric of directive.Metrics) {
          const raw = document[metric.Name];
          for (const value of Array.isArray(raw) ? raw : [raw]) {
            if (typeof value !== 'number' || !Number.isFinite(value)) continue;
            this.put({
              namespace: directive.Namespace,
              name: metric.Name,
              dimensions,
              timestampMs: meta?.Timestamp ?? Date.now(),
              value,
              ...(metric.Unit === undefined ? {} : { unit: metric.Unit }),
            });
            count += 1;
          }
        }
      }
    }
    return count;
  }

  /** Statistic per period over the range (periods without data are left out). */
  query(query: MetricQuery): MetricSeries {
    const periodMs = Math.max(1, query.periodSeconds) * 1000;
    const buckets = new Map<number, number[]>();
    const series = this.series.get(seriesKey(query.namespace, query.name, query.dimensions));
    series?.timestamps.forEach((timestampMs, index) => {
      if (timestampMs < query.startMs || timestampMs >= query.endMs) return;
      const bucket = Math.floor(timestampMs / periodMs) * periodMs;
      const values = buckets.get(bucket) ?? [];
      values.push(series.values[index] as number);
      buckets.set(bucket, values);
    });
    const timestamps = [...buckets.keys()].sort((a, b) => b - a);
    return {
      timestamps,
      values: timestamps.map((bucket) => statistic(query.stat, buckets.get(bucket) as number[])),
    };
  }

  /** Every distinct metric (for ListMetrics-like views and tests). */
  metrics(): { namespace: string; name: string; dimensions: Record<string, string> }[] {
    return [...this.series.values()].map((series) => ({
      namespace: series.namespace,
      name: series.name,
      dimensions: { ...series.dimensions },
    }));
  }
}

function seriesKey(
  namespace: string,
  name: string,
  dimensions: Readonly<Record<string, string>>,
): string {
  const sorted = Object.keys(dimensions)
    .sort()
    .map((key) => [key, dimensions[key]]);
  return JSON.stringify([namespace, name, sorted]);
}

/** Drop a series' datapoints older than `oldestMs`. */
function prune(series: Series, oldestMs: number): void {
  const keep = series.timestamps.map((timestampMs) => timestampMs >= oldestMs);
  series.timestamps = series.timestamps.filter((_, index) => keep[index]);
  series.values = series.values.filter((_, index) => keep[index]);
}

/** One CloudWatch statistic of some values. */
export function statistic(stat: string, values: readonly number[]): number {
  if (values.length === 0) return 0;
  switch (stat) {
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
    default: {
      const percentile = /^p(\d+(\.\d+)?)$/i.exec(stat);
      if (percentile === null) throw new Error(`statistic ${stat} is not supported in the sandbox`);
      return percentileOf(values, Number(percentile[1]));
    }
  }
}

/** The nearest-rank percentile. */
export function percentileOf(values: readonly number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** An alarm's state now. */
export interface AlarmEvaluation {
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly reason: string;
}

/**
 * Evaluate a metric alarm over its last `evaluationPeriods` periods (each `scale` times its
 * configured length), with its missing-data treatment.
 */
export function evaluateAlarm(
  store: MetricStore,
  alarm: AlarmSpec,
  nowMs: number,
  scale: number,
): AlarmEvaluation {
  const periodMs = Math.max(1000, alarm.periodSeconds * 1000 * scale);
  let breaching = 0;
  let missing = 0;
  for (let index = 0; index < alarm.evaluationPeriods; index += 1) {
    const endMs = nowMs - index * periodMs;
    const series = store.query({
      namespace: alarm.namespace,
      name: alarm.metricName,
      dimensions: alarm.dimensions,
      stat: alarm.statistic,
      periodSeconds: (endMs - (endMs - periodMs)) / 1000,
      startMs: endMs - periodMs,
      endMs,
    });
    const [value] =
      series.values.length > 1 ? [series.values.reduce((a, b) => Math.max(a, b))] : series.values;
    if (value === undefined) {
      missing += 1;
      if (alarm.treatMissingData === 'breaching') breaching += 1;
      continue;
    }
    if (compare(alarm.comparison, value, alarm.threshold)) breaching += 1;
  }
  if (breaching >= alarm.datapointsToAlarm) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${breaching} of the last ${alarm.evaluationPeriods} datapoints were breaching (sandbox evaluation)`,
    };
  }
  if (
    missing === alarm.evaluationPeriods &&
    (alarm.treatMissingData === 'missing' || alarm.treatMissingData === 'ignore')
  ) {
    return {
      state: 'INSUFFICIENT_DATA',
      reason: 'Insufficient Data: no datapoints in the evaluation range (sandbox evaluation)',
    };
  }
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${breaching} of the last ${alarm.evaluationPeriods} datapoints were breaching, fewer than ${alarm.datapointsToAlarm} (sandbox evaluation)`,
  };
}

function compare(operator: string, value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return false;
  }
}
