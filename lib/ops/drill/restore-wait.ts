import { guardGateways } from '../call-guard';
import type { RegionFingerprints } from '../dns-answer';
import { formatDuration, toSeconds } from '../duration';
import type { TaggedHealthCheck } from '../gateways/route53';
import type { DnsProbeTarget, OpsGateways, VantageAnswer } from '../live';
import type { Clock, Sleep } from '../progress';
import type { VantagePoint } from '../vantage-points';
import { observe } from './observe';
import type { RestoreReport } from './report';

/**
 * The restore's last part: once the undo is verified, wait until the region is healthy and back
 * in DNS from every vantage that had it before, or the restore's deadline passes. Not being able
 * to look is told apart from the region staying out.
 */

/** Waiting for the region to come back after the undo. */
export interface RestoreWait {
  readonly check: TaggedHealthCheck;
  readonly vantages: readonly VantagePoint[];
  readonly baseline: readonly VantageAnswer[];
  readonly probe: DnsProbeTarget;
  readonly fingerprints: { current: RegionFingerprints };
  readonly pollMs: number;
  /** Stops the waiting (not the undo): a second Ctrl-C. */
  readonly signal?: AbortSignal;
  readonly onTick?: (text: string) => void;
}

/** What waiting needs. */
export interface WaitContext {
  readonly gateways: Pick<OpsGateways, 'route53'>;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly timer: Sleep;
  readonly callDeadlineMs: number;
}

/** What waiting saw. */
export interface WaitResult {
  readonly healthyAgain: RestoreReport['healthyAgain'];
  readonly dnsRestored: RestoreReport['dnsRestored'];
  readonly restoreSeconds?: number;
  /** True when the region is not back (healthy and in DNS) by the deadline. */
  readonly failed: boolean;
  readonly error?: string;
  readonly lastAnswers: readonly VantageAnswer[];
}

/** Wait for `region` to come back, from `startMs` (the restore's start) until `deadlineMs`. */
export async function waitUntilBack(
  ctx: WaitContext,
  region: string,
  wait: RestoreWait | undefined,
  window: { readonly startMs: number; readonly deadlineMs: number; readonly stop: AbortSignal },
): Promise<WaitResult> {
  const { startMs, deadlineMs, stop } = window;
  if (wait === undefined) {
    return {
      healthyAgain: 'not-waited',
      dnsRestored: 'not-waited',
      failed: false,
      lastAnswers: [],
    };
  }
  const waiting = new AbortController();
  const abortWaiting = () => waiting.abort();
  stop.addEventListener('abort', abortWaiting, { once: true });
  wait.signal?.addEventListener('abort', abortWaiting, { once: true });
  if (stop.aborted || wait.signal?.aborted) waiting.abort();
  try {
    const observed = await observe(
      {
        ...ctx,
        gateways: guardGateways(ctx.gateways, {
          timer: ctx.timer,
          deadlineMs: ctx.callDeadlineMs,
          signal: waiting.signal,
        }),
      },
      {
        target: region,
        check: wait.check,
        want: 'healthy',
        vantages: wait.vantages,
        baseline: wait.baseline,
        probe: wait.probe,
        fingerprints: wait.fingerprints,
        startMs,
        deadlineMs,
        pollMs: wait.pollMs,
        signal: waiting.signal,
        onTick: (text) => wait.onTick?.(text),
      },
    );
    const stoppedByOperator = observed.aborted && wait.signal?.aborted === true;
    // Not being able to look is not the same as the region staying out: `unknown`, not `no`.
    const healthyAgain: WaitResult['healthyAgain'] = stoppedByOperator
      ? 'not-waited'
      : observed.healthAtMs !== undefined
        ? 'yes'
        : observed.healthRead
          ? 'no'
          : 'unknown';
    const dnsRestored: WaitResult['dnsRestored'] =
      wait.vantages.length === 0
        ? 'no-vantages'
        : stoppedByOperator
          ? 'not-waited'
          : observed.dnsAtMs !== undefined
            ? 'yes'
            : observed.dnsAnswered
              ? 'no'
              : 'unknown';
    const notBack = healthyAgain === 'no' || dnsRestored === 'no';
    const back = healthyAgain === 'yes' && (dnsRestored === 'yes' || dnsRestored === 'no-vantages');
    return {
      healthyAgain,
      dnsRestored,
      ...(back ? { restoreSeconds: toSeconds(ctx.clock.now() - startMs) } : {}),
      failed: notBack,
      ...(notBack
        ? {
            error: `${region} was restored but is ${healthyAgain === 'no' ? 'still unhealthy' : 'still missing from DNS'} after ${formatDuration(deadlineMs - startMs)}; check its /health and run aactl status`,
          }
        : healthyAgain === 'unknown' || dnsRestored === 'unknown'
          ? {
              error: `${region} was restored (verified), but whether it is back could not be read (${observed.lastError ?? 'no answer'}); run aactl status`,
            }
          : {}),
      lastAnswers: observed.lastAnswers,
    };
  } finally {
    stop.removeEventListener('abort', abortWaiting);
    wait.signal?.removeEventListener('abort', abortWaiting);
  }
}
