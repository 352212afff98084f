import {
  WRITE_CLASS_NAMES,
  type DataDomain,
  type RolloutPhase,
  type WriteClass,
} from '../../../lambda/contract/rollout';
import type { CostAssumptions } from './assumptions';

/** What the cost model prices: the load, what is deployed, and the checks on both. */

/** AWS bills a month as 730 hours. */
export const SECONDS_PER_MONTH = 730 * 3600;

/** 1 GB = 1024 x 1024 KB. */
export const KB_PER_GB = 1024 * 1024;

/** The load to price. */
export interface Traffic {
  /** Client reads per second, all regions together. */
  readonly readsPerSecond: number;
  /** Client writes per second, all regions together. */
  readonly writesPerSecond: number;
  /** Average item size in KB (a write unit covers 1 KB, a read unit 4 KB, rounded up). */
  readonly itemKb: number;
  /** Table size in GB (each replica stores all of it). */
  readonly storageGb: number;
}

/** What is deployed. */
export interface Deployment {
  /** Number of regions (replicas, APIs, health checks). */
  readonly regions: number;
  /** The global phase (decides DNS: all traffic to the primary in active-passive). */
  readonly phase: RolloutPhase;
  /** Each domain's phase. */
  readonly domains: Readonly<Record<DataDomain, RolloutPhase>>;
  /** Write classes local everywhere in limited-write. */
  readonly limitedWriteClasses: readonly WriteClass[];
  /** Route 53 health-check interval: 10 s (fast, costs extra) or 30 s. */
  readonly healthCheckIntervalSeconds: number;
  /** Route 53 checker regions probing each endpoint. */
  readonly checkerRegions: number;
  /**
   * Every stack encrypts its log groups with its own customer-managed key (`logs.customerManagedKey`).
   * @default false
   */
  readonly customerManagedLogKey?: boolean;
  /**
   * The API uses the app's own tokens (a Lambda authorizer per region) rather than an OIDC
   * provider's JWTs (`api.jwt`).
   * @default true
   */
  readonly ownApiTokens?: boolean;
}

/** Check traffic and assumptions; throws one message naming every bad value. */
export function validateCostInputs(
  traffic: Traffic,
  deployment: Pick<Deployment, 'regions' | 'healthCheckIntervalSeconds' | 'checkerRegions'>,
  assumptions: CostAssumptions,
): void {
  const problems: string[] = [];
  const nonNegative = (name: string, value: number) => {
    if (!Number.isFinite(value) || value < 0) {
      problems.push(`${name} must be a non-negative number, got ${value}`);
    }
  };
  nonNegative('reads per second', traffic.readsPerSecond);
  nonNegative('writes per second', traffic.writesPerSecond);
  nonNegative('storage GB', traffic.storageGb);
  if (!Number.isFinite(traffic.itemKb) || traffic.itemKb <= 0 || traffic.itemKb > 400) {
    problems.push(`item size must be more than 0 and at most 400 KB, got ${traffic.itemKb}`);
  }
  if (!Number.isInteger(deployment.regions) || deployment.regions < 1) {
    problems.push(`regions must be a positive integer, got ${deployment.regions}`);
  }
  if (assumptions.homeAffinity < 0 || assumptions.homeAffinity > 1) {
    problems.push(`home affinity must be 0-1, got ${assumptions.homeAffinity}`);
  }
  const mixTotal = WRITE_CLASS_NAMES.reduce((sum, name) => sum + assumptions.writeMix[name], 0);
  if (!(mixTotal > 0) || WRITE_CLASS_NAMES.some((name) => assumptions.writeMix[name] < 0)) {
    problems.push('write mix must hold non-negative shares with a positive total');
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
}
