/**
 * Route 53 health checks as the sandbox runs them: every health check of the app probed from each
 * of its checker regions, every request interval (scaled), each checker keeping Route 53's
 * thresholds (a checker changes its mind after `failureThreshold` consecutive results the other
 * way), and the check healthy while more than 18% of checkers say so, flipped by `Inverted`.
 * The health checks' settings and tags live here too: they are what UpdateHealthCheck and
 * ChangeTagsForResource change.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */
import { request } from 'node:http';
import type { HealthCheckSpec } from './deployment';

/** Route 53's share of healthy checkers above which a check is healthy. */
const HEALTHY_SHARE = 0.18;

/** One checker's latest report. */
export interface CheckerReport {
  readonly checkerRegion: string;
  /** A pretend address of the checker (GetHealthCheckStatus reports one). */
  readonly ipAddress: string;
  /** e.g. `Success: HTTP Status Code 200, OK`. */
  readonly status: string;
  readonly checkedAt: Date;
}

interface CheckerState {
  readonly region: string;
  readonly ipAddress: string;
  /** The checker's thresholded opinion. */
  healthy: boolean;
  /** Consecutive results against its current opinion. */
  streak: number;
  last?: CheckerReport;
}

/** A health check's live state. */
export interface HealthCheckState {
  readonly spec: HealthCheckSpec;
  version: number;
  inverted: boolean;
  disabled: boolean;
  readonly tags: Map<string, string>;
  readonly checkers: CheckerState[];
}

/** Where a health check's endpoint is listening now (undefined: nothing answers). */
export type EndpointOf = (check: HealthCheckSpec) => { readonly port: number } | undefined;

/** Settings of the checkers. */
export interface HealthCheckerOptions {
  /** Multiplies every request interval (0.1: a 10 s interval runs every second). */
  readonly scale: number;
  /** How long a checker waits for an answer (Route 53: 4 s to connect, 2 s to answer). */
  readonly timeoutMs: number;
  /** Called after every check with the check's healthy state (for metrics). */
  readonly onResult?: (check: HealthCheckState, healthy: boolean) => void;
}

/** A status line as Route 53 writes it for a result. */
export function statusTextOf(
  result: { statusCode?: number; error?: string },
  address: string,
): string {
  if (result.statusCode !== undefined) {
    const reason = STATUS_REASONS[result.statusCode] ?? '';
    const healthy = result.statusCode >= 200 && result.statusCode < 400;
    return healthy
      ? `Success: HTTP Status Code ${result.statusCode}, ${reason}`
      : `Failure: HTTP Status Code ${result.statusCode}, ${reason}. Resolved IP: ${address}`;
  }
  if (result.error === 'ECONNREFUSED') {
    return `Failure: Connection refused. The endpoint ${address} rejected the connection.`;
  }
  return 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall. See https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-router-firewall-rules.html';
}

const STATUS_REASONS: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Fold one result into a checker's opinion (Route 53's failure threshold, both ways). */
export function recordResult(checker: CheckerState, success: boolean, threshold: number): void {
  if (success === checker.healthy) {
    checker.streak = 0;
    return;
  }
  checker.streak += 1;
  if (checker.streak >= threshold) {
    checker.healthy = success;
    checker.streak = 0;
  }
}

/** Whether Route 53 counts the check healthy (checker share, then Inverted and Disabled). */
export function checkIsHealthy(
  state: Pick<HealthCheckState, 'checkers' | 'inverted' | 'disabled'>,
): boolean {
  if (state.disabled) return !state.inverted;
  const total = state.checkers.length;
  const healthy = state.checkers.filter((checker) => checker.healthy).length;
  const checkersSay = total === 0 ? true : healthy / total > HEALTHY_SHARE;
  return state.inverted ? !checkersSay : checkersSay;
}

/** The checkers of every health check of the app. */
export class HealthCheckers {
  readonly checks: Map<string, HealthCheckState>;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    specs: readonly HealthCheckSpec[],
    private readonly endpointOf: EndpointOf,
    private readonly options: HealthCheckerOptions,
  ) {
    this.checks = new Map(
      specs.map((spec) => [
        spec.id,
        {
          spec,
          version: 1,
          inverted: spec.inverted,
          disabled: spec.disabled,
          tags: new Map(Object.entries(spec.tags)),
          // a new health check starts healthy, as Route 53's do
          checkers: spec.checkerRegions.map((region, index) => ({
            region,
            ipAddress: `15.177.${index}.${10 + index}`,
            healthy: true,
            streak: 0,
          })),
        },
      ]),
    );
  }

  /** Start probing: each checker on its own schedule, spread across the interval. */
  start(): void {
    for (const check of this.checks.values()) {
      const intervalMs = check.spec.requestIntervalSeconds * 1000 * this.options.scale;
      check.checkers.forEach((checker, index) => {
        const offset = (intervalMs * index) / Math.max(1, check.checkers.length);
        const first = setTimeout(() => {
          void this.probe(check, checker);
          const every = setInterval(() => void this.probe(check, checker), intervalMs);
          every.unref();
          this.timers.push(every);
        }, offset);
        first.unref();
        this.timers.push(first);
      });
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Route 53's view of a health check; unknown ids are unhealthy. */
  isHealthy(id: string): boolean {
    const check = this.checks.get(id);
    return check === undefined ? false : checkIsHealthy(check);
  }

  /** Each checker's latest report (checkers that have not reported yet are left out). */
  reports(id: string): CheckerReport[] {
    return (this.checks.get(id)?.checkers ?? []).flatMap((checker) =>
      checker.last === undefined ? [] : [checker.last],
    );
  }

  /** Probe all checkers of every check once now (start-up, so DNS has a view at once). */
  async probeAll(): Promise<void> {
    await Promise.all(
      [...this.checks.values()].flatMap((check) =>
        check.checkers.map((checker) => this.probe(check, checker)),
      ),
    );
  }

  private async probe(check: HealthCheckState, checker: CheckerState): Promise<void> {
    if (this.stopped) return;
    const endpoint = this.endpointOf(check.spec);
    const address = '127.0.0.1';
    const result =
      endpoint === undefined
        ? { error: 'ECONNREFUSED' }
        : await httpProbe(endpoint.port, check.spec, this.options.timeoutMs);
    const success =
      result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 400;
    recordResult(checker, success, check.spec.failureThreshold);
    checker.last = {
      checkerRegion: checker.region,
      ipAddress: checker.ipAddress,
      status: statusTextOf(result, address),
      checkedAt: new Date(),
    };
    this.options.onResult?.(check, checkIsHealthy(check));
  }
}

function httpProbe(
  port: number,
  spec: HealthCheckSpec,
  timeoutMs: number,
): Promise<{ statusCode?: number; error?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (value: { statusCode?: number; error?: string }) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: spec.resourcePath,
        method: 'GET',
        headers: { host: spec.fqdn, 'user-agent': 'Amazon-Route53-Health-Check-Service (sandbox)' },
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        done({ statusCode: response.statusCode ?? 0 });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      done({ error: 'ETIMEDOUT' });
    });
    req.on('error', (error: NodeJS.ErrnoException) => done({ error: error.code ?? 'ERROR' }));
    req.end();
  });
}
