/**
 * The app's Route 53 health checks as the sandbox runs them: each probes the region host whose
 * custom domain its FQDN names, with the template's interval and threshold (scaled), and reports
 * Route 53's `HealthCheckStatus` metric into the sandbox's CloudWatch.
 */
import { normalizeName, type SandboxDeployment } from './deployment';
import { HealthCheckers } from './health-checks';
import type { MetricStore } from './metric-store';

/** How long a health checker waits for an answer: Route 53's 2 s, at most 80% of an interval. */
export function checkerTimeoutOf(intervalMs: number): number {
  return Math.min(2000, Math.max(200, Math.round(intervalMs * 0.8)));
}

/** The checkers, and the health check of each region. */
export interface RegionHealth {
  readonly checkers: HealthCheckers;
  /** The id of the health check tagged with `region` (`aa:region`). */
  healthCheckOf(region: string): string | undefined;
  /** Route 53's current view of a region's health check. */
  healthy(region: string): boolean;
}

/** Create (not start) the checkers of every health check of the deployment. */
export function createRegionHealth(options: {
  readonly deployment: SandboxDeployment;
  /** Where a region's API listens now (undefined: its host is down). */
  portOf(region: string): number | undefined;
  readonly metrics: MetricStore;
  readonly scale: number;
  /** @default checkerTimeoutOf(the shortest interval, scaled) */
  readonly timeoutMs?: number;
}): RegionHealth {
  const { deployment, scale } = options;
  const regionOfFqdn = (fqdn: string) =>
    deployment.regionSpecs.find((spec) => spec.domainNames.includes(normalizeName(fqdn)))?.region;
  const intervalMs = Math.min(
    ...deployment.healthChecks.map((check) => check.requestIntervalSeconds * 1000 * scale),
  );
  const checkers = new HealthCheckers(
    deployment.healthChecks,
    (check) => {
      const region = regionOfFqdn(check.fqdn);
      const port = region === undefined ? undefined : options.portOf(region);
      return port === undefined ? undefined : { port };
    },
    {
      scale,
      timeoutMs: options.timeoutMs ?? checkerTimeoutOf(intervalMs),
      onResult: (check, healthy) =>
        options.metrics.put({
          namespace: 'AWS/Route53',
          name: 'HealthCheckStatus',
          dimensions: { HealthCheckId: check.spec.id },
          timestampMs: Date.now(),
          value: healthy ? 1 : 0,
        }),
    },
  );
  const healthCheckOf = (region: string) =>
    deployment.healthChecks.find((check) => check.tags['aa:region'] === region)?.id;
  return {
    checkers,
    healthCheckOf,
    healthy: (region) => {
      const id = healthCheckOf(region);
      return id !== undefined && checkers.isHealthy(id);
    },
  };
}
