import { DEFAULT_HEALTH_PATH } from '../../lambda/contract/routes';
import { HEALTH_CHECKER_REGIONS } from './regions';

/**
 * Every default of the app, in one place, as plain values (seconds, MB, counts: no CDK types, so
 * aactl's cost model reads them too). One precedence everywhere, like aws-solutions-constructs'
 * `consolidateProps`: a value given wins (a key in cdk.json or `-c`, or a prop a library user
 * passes to a construct), else the default here. The config schema fills these in for missing
 * keys, so the stacks always pass values; the constructs fall back to the same values through
 * {@link withDefaults} when a prop is left out. README's Config reference documents them, and
 * test/lib/config/defaults.test.ts keeps the two in step.
 */

/** App name: the prefix of every stack, alarm and tag. */
export const DEFAULT_APP_NAME = 'active-active';

/** Route 53 health checks of the regional names, and the health route they probe. */
export const HEALTH_CHECK_DEFAULTS = {
  /** Seconds between checks from each checker (10 is "fast", billed extra). */
  intervalSeconds: 10,
  /** Consecutive failures before a region counts as unhealthy. */
  failureThreshold: 2,
  /** Path probed over HTTPS, answered by the health function. */
  path: DEFAULT_HEALTH_PATH,
  /** Regions the checkers probe from: all of Route 53's. */
  checkerRegions: HEALTH_CHECKER_REGIONS,
  /** Concurrency reserved for the health function. */
  reservedConcurrency: 5,
  /** How long the health function waits for the local replica's drain flag. */
  timeoutSeconds: 1,
} as const;

/** The regional HTTP APIs. */
export const API_DEFAULTS = {
  /** Public name = `<subdomain>.<domainName>`. */
  subdomain: 'api',
  /** Stage throttling: generous enough for tests, low enough to cap a runaway client. */
  throttle: { rateLimit: 1000, burstLimit: 2000 },
} as const;

/** TTL of the non-alias records (alias records take their target's). */
export const DEFAULT_RECORD_TTL_SECONDS = 60;

/** The rollout: every deploy starts active-passive, one step at a time. */
export const ROLLOUT_DEFAULTS = {
  phase: 'active-passive',
  limitedWriteClasses: [],
  allowMultiStep: false,
} as const;

/** The app's log groups. */
export const LOG_DEFAULTS = {
  /** A CloudWatch Logs retention (one month). */
  retentionDays: 30,
  customerManagedKey: false,
} as const;

/** Failover drills. */
export const DRILL_DEFAULTS = {
  /** Regions besides the drilled one that must stay healthy. */
  minHealthyRegions: 1,
} as const;

/** The heartbeat, the divergence probe and the reconciliation queue's alarm. */
export const OBSERVABILITY_DEFAULTS = {
  criticalEntities: [],
  /** How long a version may be missing from a replica before it counts as divergence. */
  divergenceGraceSeconds: 300,
  /** Age of an open reconciliation case that fires the primary's open-case-age alarm. */
  maxOpenCaseAgeHours: 24,
} as const;

/** The app's Lambda functions. */
export const FUNCTION_DEFAULTS = {
  /** Memory of the API and the conflict feed (and of every function the cost model prices). */
  memoryMb: 512,
  /** Memory of the small functions: health, authorizer, heartbeat, rollout guard, lookups. */
  smallMemoryMb: 256,
  timeoutSeconds: 10,
} as const;

/** The conflict feed's event source mapping (no config key: the construct's own props). */
export const CONFLICT_FEED_DEFAULTS = {
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 5,
  maxRecordAgeSeconds: 3600,
} as const;

/** Alarm thresholds. */
export const ALARM_DEFAULTS = {
  /** Replication lag from another region above which its lag alarm fires. */
  maxReplicationLagSeconds: 60,
  /** API p99 latency above which the latency alarm fires. */
  maxApiLatencyP99Seconds: 2,
  /** Consecutive unhealthy minutes before a region's global health alarm fires. */
  unhealthyMinutes: 2,
} as const;

/** Loosens readonly literal types (`10` to `number`, readonly tuples to arrays of their items). */
type Widened<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer Item)[]
        ? readonly Widened<Item>[]
        : T extends object
          ? { readonly [K in keyof T]: Widened<T[K]> }
          : T;

/**
 * The one precedence, written once: each value given (not `undefined`) wins over its default.
 * Shallow: a nested group is taken whole when given.
 */
export function withDefaults<T extends object>(
  defaults: T,
  given: { readonly [K in keyof T]?: Widened<T[K]> } | undefined,
): { readonly [K in keyof T]: Widened<T[K]> } {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as { readonly [K in keyof T]: Widened<T[K]> };
}
