import { drainFlagKey, TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import type { AppConfig } from '../../config/schema';
import { guardGateways } from '../call-guard';
import { isoSeconds } from '../duration';
import { firstLineOf } from '../error-line';
import type { OpsGateways } from '../live';
import { isAbortError, type Clock, type Sleep, type StepReporter } from '../progress';
import { undoAction, type RestoreTarget } from './action';
import type { RestoreReport } from './report';
import { waitUntilBack, type RestoreWait, type WaitResult } from './restore-wait';

/**
 * The one restore path of every drill: `drill fail` and `drill run` at their end (on success,
 * errors, timeouts, stop conditions and interrupts), and `aactl drill restore` for a drill left
 * behind. Undo the action, read it back, remove the lock, and optionally wait until the region is
 * healthy and back in DNS. It has its own deadline: calls are retried with backoff until then,
 * each bounded, and a hung endpoint cannot stall it. What it could not finish comes back as the
 * exact `aws` CLI commands that finish it by hand.
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
  readonly progress: StepReporter;
  /** The emulator endpoint, if any (the manual commands name it too). */
  readonly endpointUrl?: string;
}

/** One restore. */
export interface RestoreRequest {
  readonly target: RestoreTarget;
  /** Latest time to finish (undo, unlock and waiting), epoch ms. */
  readonly deadlineMs: number;
  /** Remove the drill lock tag once the undo is verified. */
  readonly removeLock: boolean;
  /** The drill being restored, named when it is done. */
  readonly drillId?: string;
  /** What the progress step says while undoing. @default - what the undo puts back, and where */
  readonly label?: string;
  /** Stops retrying the undo (the operator gave up): the manual commands are returned. */
  readonly giveUp?: AbortSignal;
  /** Wait for health and DNS after the undo; omitted: do not wait. */
  readonly wait?: RestoreWait;
  /** Called once the undo is verified (and the lock removed), before waiting. */
  readonly onUndone?: () => void;
}

/** How it went. */
export interface RestoreResult extends Required<Pick<RestoreReport, 'manualCommands'>>, WaitResult {
  readonly configRestored: boolean;
  readonly lockRemoved: boolean;
}

/** Longest pause between two attempts. */
const MAX_BACKOFF_MS = 15_000;

/** Restore one region (the single restore path), shown as one progress step; never throws. */
export async function restoreRegion(
  ctx: RestoreContext,
  request: RestoreRequest,
): Promise<RestoreResult> {
  const { region } = request.target;
  const label = request.label ?? describeUndo(request.target);
  const step = ctx.progress.start(label);
  const restored = await restoreDrill(ctx, request, {
    onRetry: (attempt, problem) =>
      step.update(
        `${label}: attempt ${attempt} failed (${problem}); retrying until ${clockTime(request.deadlineMs)}`,
      ),
    onUndone: () => {
      request.onUndone?.();
      if (request.wait !== undefined) {
        step.update(`Restored ${region}; waiting for it to be healthy and back in DNS`);
      }
    },
    onTick: (text) => step.update(`Restored ${region}; ${text}`),
  });
  if (!restored.configRestored) {
    step.fail(`Could not restore ${region}: ${restored.error ?? 'unknown error'}`);
  } else if (!restored.lockRemoved) step.warn(restored.error);
  else if (restored.failed) step.fail(restored.error);
  else {
    const drill = request.drillId !== undefined ? ` (drill ${request.drillId})` : '';
    const back =
      restored.restoreSeconds !== undefined ? ` (back after ${restored.restoreSeconds}s)` : '';
    step.succeed(`Restored ${region}${drill}${back}${request.removeLock ? '; lock removed' : ''}`);
  }
  return restored;
}

/** What the undo puts back, as a progress line. */
export function describeUndo(target: RestoreTarget): string {
  return target.method === 'invert'
    ? `Restoring Inverted=${target.originalInverted} on ${target.healthCheckId} (${target.region})`
    : `Clearing the drain flag of ${target.region}`;
}

interface RestoreListeners {
  readonly onRetry: (attempt: number, error: string) => void;
  readonly onUndone: () => void;
  readonly onTick: (text: string) => void;
}

async function restoreDrill(
  ctx: RestoreContext,
  request: RestoreRequest,
  listeners: RestoreListeners,
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
    untilDone(ctx, request.deadlineMs, stop.signal, listeners.onRetry, what);

  try {
    const undone = await retrying(() => undoAction(gateways, target));
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
        stop.signal.reason === 'gave up'
          ? 'given up'
          : `not done by ${clockTime(request.deadlineMs)}`;
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
    listeners.onUndone();
    const wait =
      request.wait === undefined
        ? undefined
        : {
            ...request.wait,
            onTick: (text: string) => {
              request.wait?.onTick?.(text);
              listeners.onTick(text);
            },
          };
    const back = await waitUntilBack(ctx, target.region, wait, {
      startMs,
      deadlineMs: request.deadlineMs,
      stop: stop.signal,
    });
    return { configRestored: true, lockRemoved: true, manualCommands: [], ...back };
  } finally {
    disposeTimer.abort();
    request.giveUp?.removeEventListener('abort', onGiveUp);
  }
}

/** Retry `attempt` (undefined: done; a string: why not) with backoff until done or stopped. */
async function untilDone(
  ctx: Pick<RestoreContext, 'clock' | 'sleep'>,
  deadlineMs: number,
  stop: AbortSignal,
  onRetry: (attempt: number, error: string) => void,
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
    const pause = Math.min(1_000 * 2 ** (count - 1), MAX_BACKOFF_MS, deadlineMs - ctx.clock.now());
    if (pause <= 0 || stop.aborted) break;
    onRetry(count, lastError);
    try {
      await ctx.sleep(pause, stop);
    } catch {
      break;
    }
  }
  return lastError;
}

/** `12:34:56 UTC`. */
function clockTime(ms: number): string {
  return `${isoSeconds(new Date(ms)).slice(11, 19)} UTC`;
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
