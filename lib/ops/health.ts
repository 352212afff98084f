/**
 * How Route 53 turns health-checker observations into one status, as a pure function so the
 * planner, `aactl status` and the drill observer all agree.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */

/**
 * Route 53 considers an endpoint healthy when more than this share of its checkers report it
 * healthy ("more than 18%").
 */
export const HEALTHY_CHECKER_SHARE = 0.18;

/** A region's health as Route 53 sees it; `unknown` when no checker has reported yet. */
export type HealthState = 'healthy' | 'unhealthy' | 'unknown';

/** One health checker's latest report (GetHealthCheckStatus). */
export interface CheckerObservation {
  /** Region of the health checker, e.g. `us-west-1`. */
  readonly checkerRegion: string;
  /** The raw status text, e.g. `Success: HTTP Status Code 200, OK`. */
  readonly status: string;
  /** When the checker reported, if known. */
  readonly checkedAt?: Date;
}

/** The health-check settings that change how observations are read. */
export interface HealthCheckFlags {
  /** Route 53 reports the opposite of what the checkers see. */
  readonly inverted: boolean;
  /** Route 53 stops checking and considers the check healthy (unhealthy when also inverted). */
  readonly disabled: boolean;
}

/** The result of reading a health check: state plus the checker tally behind it. */
export interface HealthReading {
  readonly state: HealthState;
  /** Checkers whose last report was a success. */
  readonly healthyCheckers: number;
  /** Checkers that reported at all. */
  readonly totalCheckers: number;
}

/** Whether one checker's status text reports success. */
export function observationIsHealthy(observation: CheckerObservation): boolean {
  return /^success/i.test(observation.status.trim());
}

/**
 * The health Route 53 acts on: the checker tally (healthy when more than 18% succeed), flipped when
 * the check is inverted; a disabled check is healthy, or unhealthy when also inverted.
 */
export function readHealth(
  observations: readonly CheckerObservation[],
  flags: HealthCheckFlags,
): HealthReading {
  const totalCheckers = observations.length;
  const healthyCheckers = observations.filter(observationIsHealthy).length;
  if (flags.disabled) {
    return { state: flags.inverted ? 'unhealthy' : 'healthy', healthyCheckers, totalCheckers };
  }
  if (totalCheckers === 0) return { state: 'unknown', healthyCheckers, totalCheckers };
  const checkersSayHealthy = healthyCheckers / totalCheckers > HEALTHY_CHECKER_SHARE;
  const healthy = flags.inverted ? !checkersSayHealthy : checkersSayHealthy;
  return { state: healthy ? 'healthy' : 'unhealthy', healthyCheckers, totalCheckers };
}
