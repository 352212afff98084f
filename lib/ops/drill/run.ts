import { guardGateways } from '../call-guard';
import type { RegionFingerprints } from '../dns-answer';
import { formatDuration, toSeconds } from '../duration';
import { firstLineOf } from '../error-line';
import type { TaggedHealthCheck } from '../gateways/route53';
import { dnsProbeTargetOf, type DnsProbeTarget, type VantageAnswer } from '../live';
import { abortError, isAbortError, type StepReporter } from '../progress';
import { vantagePointsFor, type VantagePoint } from '../vantage-points';
import { applyAction, describeAction, restoreTargetOf } from './action';
import type { DrillContext } from './context';
import { acquireLock, lockOf } from './lock';
import type { DrillLock } from './lock-tag';
import { observe, observeTimeoutMessage, readBaseline } from './observe';
import { blindLimitOf, type DrillOptions, type DrillPhase } from './options';
import type { DrillPreflight } from './preflight';
import {
  reportOf,
  VantageTimelines,
  type DrillEnding,
  type DrillReport,
  type DrillTimings,
} from './report';
import { restoreRegion, type RestoreResult } from './restore';
import { StopConditionError, stopConditions } from './stop-conditions';

/**
 * Running a failover drill: lock, act, observe, hold, and always restore (on success, errors,
 * timeouts, stop conditions and interrupts) through the one restore path (restore.ts), then
 * report. Every side effect goes through the injected gateways, clock, sleep and timers, so tests
 * run it in microseconds.
 */

/** The drill could not observe what it measures. */
class InconclusiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Inconclusive';
  }
}

/** What a drill learns while it has the region out, kept for its restore and its report. */
interface DrillRun {
  readonly probe: DnsProbeTarget;
  /** Vantages whose baseline answered (the ones observed). */
  vantages: readonly VantagePoint[];
  baseline: readonly VantageAnswer[];
  vantagesFailed: { region: string; error: string }[];
  readonly fingerprints: { current: RegionFingerprints };
  readonly timelines: VantageTimelines;
  readonly timings: DrillTimings;
  /** Why DNS cannot be observed, found before acting. */
  inconclusive?: string;
  /** Whether the action may have happened (a call can succeed and still time out). */
  acted: boolean;
}

/** Lock, act, observe, hold, restore; never throws after the lock is taken (errors are in the report). */
export async function executeDrill(
  ctx: DrillContext,
  preflight: DrillPreflight,
  options: DrillOptions,
): Promise<DrillReport> {
  const { config, clock } = ctx;
  const check = preflight.targetCheck;
  if (check === undefined) throw new Error(`no health check for ${options.target}`);
  // Every call of the drill (not of its restore) ends at once on the first interrupt.
  const gateways = guardGateways(ctx.gateways, {
    timer: ctx.timer,
    deadlineMs: ctx.callDeadlineMs,
    signal: options.signal,
  });
  const live: DrillContext = { ...ctx, gateways };
  const phase = (next: DrillPhase, deadline?: number) => options.onPhase?.(next, deadline);
  phase('preparing');
  const startedAtMs = clock.now();
  const lock = lockOf(ctx, options, check, startedAtMs);

  // Not cancelled by an interrupt: a half-taken lock must be settled (a lock taken is restored).
  await acquireLock(ctx, preflight.checks, check.id, lock);

  const { vantages, missing } = vantagePointsFor(config.regions);
  const run: DrillRun = {
    probe: dnsProbeTargetOf(config),
    vantages,
    baseline: [],
    vantagesFailed: [],
    fingerprints: { current: {} },
    timelines: new VantageTimelines(vantages),
    timings: {},
    acted: false,
  };
  const guard = stopConditions(live, {
    config,
    target: options.target,
    index: { byRegion: preflight.checks },
    initial: new Map(preflight.live.map((row) => [row.region, row.reading.state])),
    stopAlarms: preflight.stopAlarms,
    blindLimitMs: blindLimitOf(options.pollMs),
  });

  let ending: DrillEnding;
  try {
    await takeOutAndHold(live, run, options, check, guard);
    ending = { outcome: run.inconclusive !== undefined ? 'inconclusive' : 'passed' };
  } catch (caught) {
    ending = endingOf(caught, options, ctx.progress);
  }
  if (ending.inconclusive === undefined && run.inconclusive !== undefined) {
    ending = { ...ending, inconclusive: run.inconclusive };
  }

  const restored = await restoreAfterDrill(ctx, run, options, check, lock);
  phase('done');
  run.timelines.record('after', restored.lastAnswers);
  return reportOf({
    appName: config.appName,
    options,
    preflight,
    healthCheckId: check.id,
    startedAtMs,
    endedAtMs: clock.now(),
    ending,
    timings: run.timings,
    restored,
    baseline: run.baseline,
    vantages: run.vantages,
    timelines: run.timelines,
    vantagesMissing: missing,
    vantagesFailed: run.vantagesFailed,
  });
}

/** Baseline, act, observe the region leave DNS, hold it out; throws to end the drill early. */
async function takeOutAndHold(
  ctx: DrillContext,
  run: DrillRun,
  options: DrillOptions,
  check: TaggedHealthCheck,
  guard: () => Promise<void>,
): Promise<void> {
  const { clock, progress } = ctx;
  await baselineStep(ctx, run);
  throwIfAborted(options.signal);
  // Health may have changed since the preflight: judge again right before acting.
  await guard();

  const actStep = progress.start(describeAction(options.method, options.target, check, true));
  run.acted = true;
  await applyAction(ctx, options, check);
  const actedAtMs = clock.now();
  actStep.succeed(describeAction(options.method, options.target, check, false));

  options.onPhase?.('observing');
  const observeStep = progress.start(`Waiting for ${options.target} to leave DNS`);
  const observed = await observe(ctx, {
    target: options.target,
    check,
    want: 'unhealthy',
    vantages: run.vantages,
    baseline: run.baseline,
    probe: run.probe,
    fingerprints: run.fingerprints,
    startMs: actedAtMs,
    deadlineMs: actedAtMs + options.observeTimeoutMs,
    pollMs: options.pollMs,
    signal: options.signal,
    guard,
    onTick: (text) => observeStep.update(text),
  });
  run.timelines.record('during', observed.lastAnswers);
  const { timings } = run;
  if (observed.healthAtMs !== undefined) {
    timings.detectionSeconds = toSeconds(observed.healthAtMs - actedAtMs);
  }
  if (observed.dnsAtMs !== undefined) {
    timings.dnsConvergenceSeconds = toSeconds(observed.dnsAtMs - actedAtMs);
  }
  throwIfAborted(options.signal);
  if (observed.timedOut) {
    observeStep.fail(`Timed out after ${formatDuration(options.observeTimeoutMs)}`);
    if (!observed.healthRead) {
      throw new InconclusiveError(
        `detection not observed: the status of health check ${check.id} could not be read (${observed.lastError ?? 'no answer'})`,
      );
    }
    if (observed.healthAtMs !== undefined && !observed.dnsAnswered) {
      throw new InconclusiveError(
        `DNS convergence not observed: TestDNSAnswer failed from every vantage during the drill (${observed.lastError ?? 'no answer'})`,
      );
    }
    throw new Error(observeTimeoutMessage(options.target, options.observeTimeoutMs, observed));
  }
  observeStep.succeed(
    `${options.target} unhealthy after ${timings.detectionSeconds ?? '?'}s, ` +
      (timings.dnsConvergenceSeconds !== undefined
        ? `out of DNS after ${timings.dnsConvergenceSeconds}s`
        : 'DNS not observed'),
  );

  options.onPhase?.('holding');
  await holdOut(ctx, run, options, guard);
}

/** Read what DNS answers before the drill; vantages that fail are observed without. */
async function baselineStep(ctx: DrillContext, run: DrillRun): Promise<void> {
  const { config } = ctx;
  const dnsStep = ctx.progress.start('Reading DNS from every vantage point (baseline)');
  const baseline = await readBaseline(
    ctx.gateways.route53,
    run.probe,
    run.vantages,
    run.fingerprints,
  );
  run.baseline = baseline.answers;
  run.vantagesFailed = baseline.failed;
  run.vantages = baseline.answers.map((answer) => answer.vantage);
  run.timelines.record('before', baseline.answers);
  const [firstFailure] = baseline.failed;
  if (run.vantages.length === 0) {
    run.inconclusive =
      firstFailure !== undefined
        ? `DNS convergence not observed: TestDNSAnswer failed from every vantage (${firstFailure.error}); check route53:TestDNSAnswer permission`
        : `DNS convergence not observed: no vantage point for ${config.regions.join(', ')} (add them in lib/ops/vantage-points.ts)`;
    dnsStep.warn(`${run.inconclusive}; the drill will be inconclusive`);
  } else if (firstFailure !== undefined) {
    dnsStep.warn(
      `TestDNSAnswer failed from ${baseline.failed.map((failed) => failed.region).join(', ')} (${firstFailure.error}); DNS is observed without ${baseline.failed.length === 1 ? 'it' : 'them'}`,
    );
  } else {
    dnsStep.succeed(
      `Baseline: ${baseline.answers.map((answer) => `${answer.vantage.region}→${answer.mapped.regions.join('+') || '?'}`).join(', ')}`,
    );
  }
}

/**
 * Hold the region out in poll-sized steps, checking the stop conditions: a real outage
 * elsewhere, an alarm or a deploy ends the hold.
 */
async function holdOut(
  ctx: DrillContext,
  run: DrillRun,
  options: DrillOptions,
  guard: () => Promise<void>,
): Promise<void> {
  const { clock } = ctx;
  const holdUntil = new Date(clock.now() + options.holdMs).toISOString().slice(11, 19);
  const holdStep = ctx.progress.start(
    `Holding ${options.target} out for ${formatDuration(options.holdMs)} (until ${holdUntil} UTC; Ctrl-C restores now)`,
  );
  const holdStartMs = clock.now();
  try {
    for (let left = options.holdMs; left > 0; left = holdStartMs + options.holdMs - clock.now()) {
      holdStep.update(`holding ${options.target} out, ${formatDuration(left)} left`);
      await ctx.sleep(Math.min(options.pollMs, left), options.signal);
      await guard();
    }
  } finally {
    run.timings.holdSeconds = toSeconds(clock.now() - holdStartMs);
  }
  holdStep.succeed(`Held for ${formatDuration(options.holdMs)}`);
}

/** How a drill ended early, told to the operator. */
function endingOf(caught: unknown, options: DrillOptions, progress: StepReporter): DrillEnding {
  if (options.signal.aborted || isAbortError(caught)) {
    return { outcome: 'interrupted', interruptedBy: abortReason(options.signal) };
  }
  if (caught instanceof StopConditionError) {
    progress.note(caught.message);
    return { outcome: 'stopped', stoppedBy: caught.message, error: caught.message };
  }
  if (caught instanceof InconclusiveError) {
    progress.note(`Inconclusive (${caught.message}): restoring ${options.target} now`);
    return { outcome: 'inconclusive', inconclusive: caught.message };
  }
  const error = firstLineOf(caught);
  progress.note(`Drill failed (${error}): restoring ${options.target} now`);
  return { outcome: 'failed', error };
}

/** The drill's restore: the one restore path, waiting for the region only if it was taken out. */
async function restoreAfterDrill(
  ctx: DrillContext,
  run: DrillRun,
  options: DrillOptions,
  check: TaggedHealthCheck,
  lock: DrillLock,
): Promise<RestoreResult> {
  const deadlineMs = ctx.clock.now() + options.restoreTimeoutMs;
  options.onPhase?.('restoring', deadlineMs);
  // Undo even when the action seemed not to happen: its call may have succeeded before failing.
  const restored = await restoreRegion(ctx, {
    target: restoreTargetOf(lock, check.id),
    deadlineMs,
    removeLock: true,
    label: `Restoring ${options.target}`,
    ...(options.giveUpSignal !== undefined ? { giveUp: options.giveUpSignal } : {}),
    onUndone: () => options.onPhase?.('waiting'),
    ...(run.acted
      ? {
          wait: {
            check,
            vantages: run.vantages,
            baseline: run.baseline,
            probe: run.probe,
            fingerprints: run.fingerprints,
            pollMs: options.pollMs,
            ...(options.restoreSignal !== undefined ? { signal: options.restoreSignal } : {}),
          },
        }
      : {}),
  });
  if (!run.acted && restored.configRestored) {
    // Nothing was changed, so nothing has to come back.
    return { ...restored, healthyAgain: 'yes', dnsRestored: 'yes' };
  }
  return restored;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError();
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' ? reason : 'an interrupt';
}
