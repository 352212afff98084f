import { drainFlagKey, TAG_DRILL_LOCK } from '../../lambda/contract/naming';
import type { AppConfig } from '../config/schema';
import { guardGateways } from './call-guard';
import type { RegionFingerprints } from './dns-answer';
import type { DrillMethod } from './drill-method';
import { observe } from './drill-observe';
import type { RestoreReport } from './drill-report';
import { formatDuration, toSeconds } from './duration';
import { firstLineOf } from './error-line';
import type { TaggedHealthCheck } from './gateways/route53';
import type { DnsProbeTarget, OpsGateways, VantageAnswer } from './live';
import { isoSeconds } from './lock';
import { isAbortError, type Clock, type Sleep } from './progress';
import type { VantagePoint } from './vantage-points';

/**
 * The one restore path of every drill (`drill fail`, `drill run`, `drill restore`): undo the
 * action, read it back, remove the lock, and optionally wait until the region is healthy and back
 * in DNS. It has its own deadline: calls are retried with backoff until then, each bounded, and a
 * hung endpoint cannot stall it. What it could not finish comes back as the exact `aws` CLI
 * commands that finish it by hand.
 */

/** What a restore needs. */
export interface RestoreContext {
  readonly config: Pick<AppConfig, 'tableName'>;
  readonly gateways: Pick<OpsGateways, 'route53' | 'drain'>;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Timers for the restore's deadline and each call's. */
  readonly timer: Sleep;
  /** Longest a single AWS call may take. */
  readonly callDeadlineMs: number;
  /** The emulator endpoint, if any (the manual commands name it too). */
  readonly endpointUrl?: string;
}

/** What to undo. */
export interface RestoreTarget {
  readonly method: DrillMethod;
  readonly region: string;
  readonly healthCheckId: string;
  /** `Inverted` before the drill (what an invert drill puts back). */
  readonly originalInverted: boolean;
}

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

/** One restore. */
export interface RestoreRequest {
  readonly target: RestoreTarget;
  /** Latest time to finish (undo, unlock and waiting), epoch ms. */
  readonly deadlineMs: number;
  /** Remove the drill lock tag once the undo is verified. */
  readonly removeLock: boolean;
  /** Stops retrying the undo (the operator gave up): the manual commands are returned. */
  readonly giveUp?: AbortSignal;
  /** Wait for health and DNS after the undo; omitted: do not wait. */
  readonly wait?: RestoreWait;
  /** Called once the undo is verified (and the lock removed), before waiting. */
  readonly onUndone?: () => void;
  /** Called before each retry of a failed call. */
  readonly onRetry?: (attempt: number, error: string) => void;
}

/** How it went. */
export interface RestoreResult extends Required<Pick<RestoreReport, 'manualCommands'>> {
  readonly configRestored: boolean;
  readonly lockRemoved: boolean;
  readonly healthyAgain: RestoreReport['healthyAgain'];
  readonly dnsRestored: RestoreReport['dnsRestored'];
  readonly restoreSeconds?: number;
  /** True when something is left to do (by hand, or the region is not back). */
  readonly failed: boolean;
  readonly error?: string;
  readonly lastAnswers: readonly VantageAnswer[];
}

/** Longest pause between two attempts. */
const MAX_BACKOFF_MS = 15_000;

/** Undo a drill (the single restore path); never throws. */
export async function restoreDrill(
  ctx: RestoreContext,
  request: RestoreRequest,
): Promise<RestoreResult> {
  const { target } = request;
  const startMs = ctx.clock.now();
  // Ends every pending call at the deadline, or when the operator gives up.
  const stop = new AbortController();
  const disposeTimer = new AbortController();
  ctx
    .timer(Math.max(0, request.deadlineMs - startMs), disposeTimer.signal)
    .then(() => stop.abort('deadline'))
    .catch(() => undefined);
  const onGiveUp = () => stop.abort('gave up');
  request.giveUp?.addEventListener('abort', onGiveUp, { once: true });
  if (request.giveUp?.aborted) onGiveUp();
  const gateways = guardGateways(
    { route53: ctx.gateways.route53, drain: ctx.gateways.drain },
    { timer: ctx.timer, deadlineMs: ctx.callDeadlineMs, signal: stop.signal },
  );
  const retrying = (what: () => Promise<string | undefined>) =>
    untilDone(ctx, request, stop.signal, what);

  try {
    const undone = await retrying(() => undoOnce(gateways, target));
    let lockError: string | undefined;
    let lockRemoved = !request.removeLock;
    if (undone === undefined && request.removeLock) {
      lockError = await retrying(async () => {
        await gateways.route53.removeTag(target.healthCheckId, TAG_DRILL_LOCK);
        return undefined;
      });
      lockRemoved = lockError === undefined;
    }
    if (undone !== undefined || !lockRemoved) {
      const why =
        stop.signal.reason === 'gave up' ? 'given up' : `not done by ${deadlineText(request)}`;
      const problem = undone ?? lockError ?? 'unknown error';
      return {
        configRestored: undone === undefined,
        lockRemoved,
        healthyAgain: 'not-waited',
        dnsRestored: 'not-waited',
        failed: true,
        error:
          undone !== undefined
            ? `restore of ${target.region} ${why} (${problem}); run the printed aws commands now, or aactl drill restore --region ${target.region}`
            : `${target.region} is restored, but its drill lock could not be removed (${problem}); run the printed aws command`,
        manualCommands: manualRestoreCommands(ctx, target, {
          config: undone !== undefined,
          lock: request.removeLock,
        }),
        lastAnswers: [],
      };
    }
    request.onUndone?.();
    return await waitUntilBack(ctx, request, startMs, stop.signal);
  } finally {
    disposeTimer.abort();
    request.giveUp?.removeEventListener('abort', onGiveUp);
  }
}

/** Retry `attempt` (undefined: done; a string: why not) with backoff until done or stopped. */
async function untilDone(
  ctx: RestoreContext,
  request: RestoreRequest,
  stop: AbortSignal,
  attempt: () => Promise<string | undefined>,
): Promise<string | undefined> {
  let lastError = 'not attempted';
  for (let count = 1; !stop.aborted; count += 1) {
    try {
      const problem = await attempt();
      if (problem === undefined) return undefined;
      lastError = problem;
    } catch (error) {
      if (isAbortError(error) && stop.aborted) break;
      lastError = firstLineOf(error);
    }
    const pause = Math.min(
      1_000 * 2 ** (count - 1),
      MAX_BACKOFF_MS,
      request.deadlineMs - ctx.clock.now(),
    );
    if (pause <= 0 || stop.aborted) break;
    request.onRetry?.(count, lastError);
    try {
      await ctx.sleep(pause, stop);
    } catch {
      break;
    }
  }
  return lastError;
}

/** Put the health check / drain flag back and read it back; a string says what is still wrong. */
async function undoOnce(
  gateways: Pick<OpsGateways, 'route53' | 'drain'>,
  target: RestoreTarget,
): Promise<string | undefined> {
  if (target.method === 'invert') {
    const current = await gateways.route53.getHealthCheck(target.healthCheckId);
    if (current.inverted !== target.originalInverted) {
      await gateways.route53.setInverted(
        target.healthCheckId,
        target.originalInverted,
        current.version,
      );
    }
    const after = await gateways.route53.getHealthCheck(target.healthCheckId);
    return after.inverted === target.originalInverted
      ? undefined
      : `health check ${target.healthCheckId} still has Inverted=${after.inverted}`;
  }
  await gateways.drain.clearDrain(target.region);
  const after = await gateways.drain.getDrain(target.region);
  return after === undefined ? undefined : `drain flag of ${target.region} is still present`;
}

async function waitUntilBack(
  ctx: RestoreContext,
  request: RestoreRequest,
  startMs: number,
  stop: AbortSignal,
): Promise<RestoreResult> {
  const { target, wait } = request;
  const done = {
    configRestored: true,
    lockRemoved: true,
    manualCommands: [],
  } as const;
  if (wait === undefined) {
    return {
      ...done,
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
        target: target.region,
        check: wait.check,
        want: 'healthy',
        vantages: wait.vantages,
        baseline: wait.baseline,
        probe: wait.probe,
        fingerprints: wait.fingerprints,
        startMs,
        deadlineMs: request.deadlineMs,
        pollMs: wait.pollMs,
        signal: waiting.signal,
        onTick: (text) => wait.onTick?.(text),
      },
    );
    const stoppedByOperator = observed.aborted && wait.signal?.aborted === true;
    // Not being able to look is not the same as the region staying out: `unknown`, not `no`.
    const healthyAgain: RestoreResult['healthyAgain'] = stoppedByOperator
      ? 'not-waited'
      : observed.healthAtMs !== undefined
        ? 'yes'
        : observed.healthRead
          ? 'no'
          : 'unknown';
    const dnsRestored: RestoreResult['dnsRestored'] =
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
      ...done,
      healthyAgain,
      dnsRestored,
      ...(back ? { restoreSeconds: toSeconds(ctx.clock.now() - startMs) } : {}),
      failed: notBack,
      ...(notBack
        ? {
            error: `${target.region} was restored but is ${healthyAgain === 'no' ? 'still unhealthy' : 'still missing from DNS'} after ${formatDuration(request.deadlineMs - startMs)}; check its /health and run aactl status`,
          }
        : healthyAgain === 'unknown' || dnsRestored === 'unknown'
          ? {
              error: `${target.region} was restored (verified), but whether it is back could not be read (${observed.lastError ?? 'no answer'}); run aactl status`,
            }
          : {}),
      lastAnswers: observed.lastAnswers,
    };
  } finally {
    stop.removeEventListener('abort', abortWaiting);
    wait.signal?.removeEventListener('abort', abortWaiting);
  }
}

function deadlineText(request: RestoreRequest): string {
  return `${isoSeconds(new Date(request.deadlineMs)).slice(11, 19)} UTC`;
}

/**
 * The `aws` CLI commands that finish a restore by hand: put `Inverted` back (no version needed) or
 * delete the drain flag, and remove the drill lock tag.
 */
export function manualRestoreCommands(
  ctx: Pick<RestoreContext, 'config' | 'endpointUrl'>,
  target: RestoreTarget,
  what: { readonly config: boolean; readonly lock: boolean } = { config: true, lock: true },
): string[] {
  const endpoint = ctx.endpointUrl !== undefined ? ` --endpoint-url ${ctx.endpointUrl}` : '';
  const commands: string[] = [];
  if (what.config) {
    if (target.method === 'invert') {
      commands.push(
        `aws route53 update-health-check${endpoint} --health-check-id ${target.healthCheckId} ${target.originalInverted ? '--inverted' : '--no-inverted'}`,
      );
    } else {
      const key = drainFlagKey(target.region);
      commands.push(
        `aws dynamodb delete-item${endpoint} --region ${target.region} --table-name ${ctx.config.tableName} --key '${JSON.stringify({ pk: { S: key.pk }, sk: { S: key.sk } })}'`,
      );
    }
  }
  if (what.lock) {
    commands.push(
      `aws route53 change-tags-for-resource${endpoint} --resource-type healthcheck --resource-id ${target.healthCheckId} --remove-tag-keys ${TAG_DRILL_LOCK}`,
    );
  }
  return commands;
}
