import type { Deployment } from './inputs';

/**
 * What the templates create that is billed by the piece, for `regions` regions. These counts
 * mirror the CDK app (alarms of lib/constructs/region-alarms.ts and global-monitoring.ts, one
 * dashboard per region and a global one, the keys of the alarm topics and logs);
 * test/lib/app.test.ts and largest-config.test.ts count the synthesized templates and fail when
 * they drift.
 */
export interface BilledResources {
  readonly alarms: number;
  readonly healthChecks: number;
  readonly dashboards: number;
  readonly kmsKeys: number;
  /** Lambda functions (not billed by the piece; listed so the count is checked too). */
  readonly functions: number;
}

/** Alarms every region has besides one replication-lag alarm per other region. */
export const ALARMS_PER_REGION = 10;

/** The billed resources of a deployment. */
export function billedResourcesOf(
  deployment: Pick<Deployment, 'regions' | 'customerManagedLogKey' | 'ownApiTokens'>,
): BilledResources {
  const n = deployment.regions;
  // per region: 10 alarms and one lag alarm per other region; the primary's open-case-age alarm;
  // in us-east-1, one health-check alarm per region
  const alarms = n * (ALARMS_PER_REGION + (n - 1)) + 1 + n;
  // per region: API, health, conflict feed, heartbeat, stream-ARN lookup (+ token authorizer);
  // data stack: rollout guard, observability-item writer; global: health-check lookup
  const functions = n * (5 + ((deployment.ownApiTokens ?? true) ? 1 : 0)) + 3;
  // an alarm-topic key per region and a global one; a log key per stack when asked for
  const kmsKeys = n + 1 + (deployment.customerManagedLogKey ? n + 2 : 0);
  return { alarms, healthChecks: n, dashboards: n + 1, kmsKeys, functions };
}

/** Alarms of the single-region baseline: the API's 5xx, p99 latency and function errors. */
export const SINGLE_REGION_ALARMS = 3;
