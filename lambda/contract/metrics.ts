/**
 * The metric catalog: every metric the app emits or watches, defined once (namespace, name, unit,
 * dimensions) and read by the emitters, the alarms, the dashboards and the rollout gates. Free of
 * CDK and SDK imports, so the Lambdas and aactl import it too.
 */
import { METRICS_NAMESPACE } from './naming';

/** Namespace of the drill metrics `aactl drill --metric` publishes (in us-east-1). */
export const DRILL_METRICS_NAMESPACE = `${METRICS_NAMESPACE}/Drills`;

/** Units the catalog uses (CloudWatch unit names). */
export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'None';

/** One metric: where it lives and what identifies a series of it. */
export interface MetricDefinition {
  readonly namespace: string;
  readonly name: string;
  readonly unit: MetricUnit;
  /** Every dimension of a series, in the order emitters set them. */
  readonly dimensions: readonly string[];
  /** What it measures and who emits it. */
  readonly description: string;
}

/** The dimensions Powertools adds to every app metric (`serviceName` and the default `region`). */
const APP_DIMENSIONS = ['service', 'region'] as const;

function appMetric<N extends string, U extends MetricUnit>(
  name: N,
  unit: U,
  description: string,
  extraDimensions: readonly string[] = [],
): MetricDefinition & { readonly name: N; readonly unit: U } {
  return {
    namespace: METRICS_NAMESPACE,
    name,
    unit,
    dimensions: [...APP_DIMENSIONS, ...extraDimensions],
    description,
  };
}

/** Metrics the app's own functions publish (EMF), by purpose. */
export const APP_METRICS = {
  conflicts: appMetric(
    'Conflicts',
    'Count',
    'concurrent writes detected, per data class (conflict feed)',
    ['dataClass'],
  ),
  conflictResolutionMs: appMetric(
    'ConflictResolutionMs',
    'Milliseconds',
    'time from a conflict to its merged value, per data class (conflict feed)',
    ['dataClass'],
  ),
  reconciliationCasesOpened: appMetric(
    'ReconciliationCasesOpened',
    'Count',
    'money conflicts queued for a person (conflict feed)',
  ),
  replicationLagMs: appMetric(
    'ReplicationLagMs',
    'Milliseconds',
    "age of another region's heartbeat on arrival here: the true lag of the pair (conflict feed)",
    ['sourceRegion'],
  ),
  divergentEntities: appMetric(
    'DivergentEntities',
    'Count',
    'versions other replicas held past the grace period that this one lacks (heartbeat probe)',
  ),
  forwardedWrites: appMetric(
    'ForwardedWrites',
    'Count',
    "writes run against the tenant's home replica from another region (API)",
  ),
  refusedWrites: appMetric(
    'RefusedWrites',
    'Count',
    'writes refused with 421 because another region owns them (API)',
  ),
  conflictFeedFailedRecords: appMetric(
    'ConflictFeedFailedRecords',
    'Count',
    'stream records the conflict feed reported as failed (batchItemFailures keep Errors at 0)',
  ),
  openReconciliationCases: appMetric(
    'OpenReconciliationCases',
    'Count',
    'reconciliation cases not yet resolved (heartbeat probe, from the open-cases index)',
  ),
  clockSkewMs: appMetric(
    'ClockSkewMs',
    'Milliseconds',
    "how far this region's clock is off AWS time (the Date header of DynamoDB's answers); beyond 60 s the region refuses its own writes (API)",
  ),
  oldestOpenCaseAgeSeconds: appMetric(
    'OldestOpenCaseAgeSeconds',
    'Seconds',
    'age of the oldest unresolved reconciliation case, 0 when none (heartbeat probe)',
  ),
} as const satisfies Record<string, MetricDefinition>;

/** A metric of the app's own functions. */
export type AppMetric = (typeof APP_METRICS)[keyof typeof APP_METRICS];

/** The name of a metric the app's functions publish. */
export type AppMetricName = AppMetric['name'];

/** The unit the catalog gives the app metric `N`. */
export type AppMetricUnit<N extends AppMetricName> = Extract<AppMetric, { name: N }>['unit'];

/** The catalog entry of the app metric `name`, or undefined for a name it does not hold. */
export function appMetricNamed(name: string): AppMetric | undefined {
  return Object.values(APP_METRICS).find((metric) => metric.name === name);
}

/** Metrics AWS publishes that the app watches. */
export const AWS_METRICS = {
  /** Published in the sending region, per receiving region; an average per minute. */
  dynamodbReplicationLatency: {
    namespace: 'AWS/DynamoDB',
    name: 'ReplicationLatency',
    unit: 'Milliseconds',
    dimensions: ['TableName', 'ReceivingRegion'],
    description: 'DynamoDB global-table replication latency (average) from this region',
  },
  /** Only in us-east-1, whatever region the endpoint is in; 1 healthy, 0 unhealthy. */
  route53HealthCheckStatus: {
    namespace: 'AWS/Route53',
    name: 'HealthCheckStatus',
    unit: 'None',
    dimensions: ['HealthCheckId'],
    description: 'Route 53 health-check status (us-east-1 only)',
  },
} as const satisfies Record<string, MetricDefinition>;

/** Metrics `aactl drill --metric` publishes in us-east-1. */
export const DRILL_METRICS = {
  failoverSeconds: {
    namespace: DRILL_METRICS_NAMESPACE,
    name: 'FailoverSeconds',
    unit: 'Seconds',
    dimensions: ['App', 'Region', 'Method'],
    description: 'seconds from a drill action until no vantage point got the region from DNS',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The dimensions of one series of `metric`; throws when a value is missing or unexpected. */
export function seriesOf(
  metric: MetricDefinition,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const given = Object.keys(values);
  const unknown = given.filter((name) => !metric.dimensions.includes(name));
  const missing = metric.dimensions.filter((name) => !given.includes(name));
  if (unknown.length > 0 || missing.length > 0) {
    throw new Error(
      `metric ${metric.name} has dimensions ${metric.dimensions.join(', ')}; ` +
        `${missing.length > 0 ? `missing ${missing.join(', ')}` : ''}${missing.length > 0 && unknown.length > 0 ? ', ' : ''}${unknown.length > 0 ? `unknown ${unknown.join(', ')}` : ''}`,
    );
  }
  return Object.fromEntries(metric.dimensions.map((name) => [name, values[name] as string]));
}
