import { TAG_DRILL_LOCK } from '../../lambda/contract/naming';
import { guardGateways } from './call-guard';
import { answerIncludes, type RegionFingerprints } from './dns-answer';
import { LockHeldError, type DrillContext } from './drill-context';
import { StopConditionError, stopConditions } from './drill-guard';
import type { DrillMethod } from './drill-method';
import { observe, observeTimeoutMessage } from './drill-observe';
import type { DrillPreflight } from './drill-preflight';
import type { DrillOutcome, DrillReport } from './drill-report';
import { restoreDrill, type RestoreResult } from './drill-restore';
import { formatDuration, toSeconds } from './duration';
import { firstLineOf } from './error-line';
import type { TaggedHealthCheck } from './gateways/route53';
import { dnsProbeTargetOf, probeVantages, readFingerprints, type VantageAnswer } from './live';
import { formatLock, type DrillLock } from './lock';
import { abortError, isAbortError } from './progress';
import { vantagePointsFor, type VantagePoint } from './vantage-points';

export type { DrillOutcome, DrillReport } from './drill-report';
export { drillIdOf, LockHeldError, lockObserver, type DrillContext } from './drill-context';
export { preflightDrill, type DrillPreflight, type PreflightOptions } from './drill-preflight';

/**
 * Running a failover drill: preflight from live status, lock, act, observe, hold, and always
 * restore (on success, errors, timeouts, stop conditions and interrupts) through the one restore
 * path (drill-restore.ts), then report. Every side effect goes through the injected gateways,
 * clock, sleep and timers, so tests run it in microseconds.
 */

/** Where a drill is; the CLI tells the operator what an interrupt does now. */
export type DrillPhase = 'preparing' | 'observing' | 'holding' | 'restoring' | 'waiting' | 'done';

/** Drill settings from the command line (or a plan file). */
export interface DrillOptions {
  readonly drillId: string;
  readonly target: string;
  readonly method: DrillMethod;
  /** How long to keep the region out once DNS converged. */
  readonly holdMs: number;
  /** Time between status polls. */
  readonly pollMs: number;
  /** Longest wait for detection and DNS convergence. */
  readonly observeTimeoutMs: number;
  /** The restore's deadline: undo, unlock, and the region healthy and back in DNS. */
  readonly restoreTimeoutMs: number;
  /** Ends observing and holding (first Ctrl-C / SIGTERM): the drill goes straight to restore. */
  readonly signal: AbortSignal;
  /** Stops waiting for the region after the undo (the undo itself completes). */
  readonly restoreSignal?: AbortSignal;
  /** Stops retrying the undo: the restore fails with the manual commands. */
  readonly giveUpSignal?: AbortSignal;
  /** Told when the drill moves on (and, when restoring, until when the restore tries). */
  readonly onPhase?: (phase: DrillPhase, restoreDeadlineMs?: number) => void;
  /** Why the region is drained (drain method). */
  readonly reason?: string;
}

/** The drill could not observe what it measures. */
class InconclusiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Inconclusive';
  }
}

/** Safety margin added to a lock's deadline. */
const LOCK_MARGIN_MS = 10 * 60_000;

/** The longest a drill can run (observe, hold, restore) plus the safety margin. */
export function longestDrillMs(
  options: Pick<DrillOptions, 'observeTimeoutMs' | 'holdMs' | 'restoreTimeoutMs'>,
): number {
  return options.observeTimeoutMs + options.holdMs + options.restoreTimeoutMs + LOCK_MARGIN_MS;
}

/** The worst case an operator should expect (observe, hold and restore at their limits). */
export function worstCaseMs(
  options: Pick<DrillOptions, 'observeTimeoutMs' | 'holdMs' | 'restoreTimeoutMs'>,
): number {
  return options.observeTimeoutMs + options.holdMs + options.restoreTimeoutMs;
}

/** How long the other regions may go unseen before a drill stops to be safe. */
function blindLimitOf(pollMs: number): number {
  return Math.max(60_000, 3 * pollMs);
}

/** Lock, act, observe, hold, restore; never throws after the lock is taken (errors are in the report). */
export async function executeDrill(
  ctx: DrillContext,
  preflight: DrillPreflight,
  options: DrillOptions,
): Promise<DrillReport> {
  const { config, clock, progress } = ctx;
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
  const lock: DrillLock = {
    drillId: options.drillId,
    pid: ctx.identity.pid,
    host: ctx.identity.hostname,
    startedAt: new Date(startedAtMs),
    until: new Date(startedAtMs + longestDrillMs(options)),
    method: options.method,
    region: options.target,
    originalInverted: check.inverted,
  };

  // Not cancelled by an interrupt: a half-taken lock must be settled (a lock taken is restored).
  await acquireLock(ctx, preflight, check.id, lock);

  const probe = dnsProbeTargetOf(config);
  const { vantages: allVantages, missing } = vantagePointsFor(config.regions);
  let vantages: readonly VantagePoint[] = allVantages;
  const vantagesFailed: { region: string; error: string }[] = [];
  const fingerprints = { current: {} as RegionFingerprints };
  const timeline = new Map<string, { before: string[]; during: string[]; after: string[] }>(
    allVantages.map((vantage) => [vantage.region, { before: [], during: [], after: [] }]),
  );
  const timings: { -readonly [K in keyof DrillReport['timings']]: DrillReport['timings'][K] } = {};
  let outcome: DrillOutcome = 'passed';
  let error: string | undefined;
  let interruptedBy: string | undefined;
  let inconclusive: string | undefined;
  let stoppedBy: string | undefined;
  let acted = false;
  let baseline: VantageAnswer[] = [];
  const guard = stopConditions(live, {
    config,
    target: options.target,
    index: { byRegion: preflight.checks },
    initial: new Map(preflight.live.map((row) => [row.region, row.reading.state])),
    stopAlarms: preflight.stopAlarms,
    blindLimitMs: blindLimitOf(options.pollMs),
  });

  try {
    const dnsStep = progress.start('Reading DNS from every vantage point (baseline)');
    fingerprints.current = await readFingerprints(gateways.route53, probe);
    baseline = await probeVantages(gateways.route53, probe, vantages, fingerprints);
    // A vantage whose baseline query fails cannot be compared later: observe without it.
    for (const answer of baseline) {
      if (answer.error !== undefined) {
        vantagesFailed.push({ region: answer.vantage.region, error: answer.error });
      }
    }
    baseline = baseline.filter((answer) => answer.error === undefined);
    vantages = baseline.map((answer) => answer.vantage);
    for (const answer of baseline) {
      const entry = timeline.get(answer.vantage.region);
      if (entry) entry.before = answer.mapped.regions;
    }
    if (vantages.length === 0) {
      inconclusive =
        vantagesFailed.length > 0
          ? `DNS convergence not observed: TestDNSAnswer failed from every vantage (${vantagesFailed[0]?.error ?? ''}); check route53:TestDNSAnswer permission`
          : `DNS convergence not observed: no vantage point for ${config.regions.join(', ')} (add them in lib/ops/vantage-points.ts)`;
      dnsStep.warn(`${inconclusive}; the drill will be inconclusive`);
    } else if (vantagesFailed.length > 0) {
      dnsStep.warn(
        `TestDNSAnswer failed from ${vantagesFailed.map((failed) => failed.region).join(', ')} (${vantagesFailed[0]?.error ?? ''}); DNS is observed without ${vantagesFailed.length === 1 ? 'it' : 'them'}`,
      );
    } else {
      dnsStep.succeed(
        `Baseline: ${baseline.map((answer) => `${answer.vantage.region}→${answer.mapped.regions.join('+') || '?'}`).join(', ')}`,
      );
    }
    throwIfAborted(options.signal);
    // Health may have changed since the preflight: judge again right before acting.
    await guard();

    const actStep = progress.start(describeAction(options.method, options.target, check, true));
    // From here on the action may have happened (a call can succeed and still time out).
    acted = true;
    await applyAction(live, options, check);
    const actedAtMs = clock.now();
    actStep.succeed(describeAction(options.method, options.target, check, false));

    phase('observing');
    const observeStep = progress.start(`Waiting for ${options.target} to leave DNS`);
    const observed = await observe(live, {
      target: options.target,
      check,
      want: 'unhealthy',
      vantages,
      baseline,
      probe,
      fingerprints,
      startMs: actedAtMs,
      deadlineMs: actedAtMs + options.observeTimeoutMs,
      pollMs: options.pollMs,
      signal: options.signal,
      guard,
      onTick: (text) => observeStep.update(text),
    });
    for (const answer of observed.lastAnswers) {
      const entry = timeline.get(answer.vantage.region);
      if (entry) entry.during = answer.mapped.regions;
    }
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

    phase('holding');
    const holdUntil = new Date(clock.now() + options.holdMs).toISOString().slice(11, 19);
    const holdStep = progress.start(
      `Holding ${options.target} out for ${formatDuration(options.holdMs)} (until ${holdUntil} UTC; Ctrl-C restores now)`,
    );
    const holdStartMs = clock.now();
    try {
      // Hold in poll-sized steps, checking the stop conditions: a real outage elsewhere, an
      // alarm or a deploy ends the hold.
      for (let left = options.holdMs; left > 0; left = holdStartMs + options.holdMs - clock.now()) {
        holdStep.update(`holding ${options.target} out, ${formatDuration(left)} left`);
        await ctx.sleep(Math.min(options.pollMs, left), options.signal);
        await guard();
      }
    } finally {
      timings.holdSeconds = toSeconds(clock.now() - holdStartMs);
    }
    holdStep.succeed(`Held for ${formatDuration(options.holdMs)}`);
  } catch (caught) {
    if (options.signal.aborted || isAbortError(caught)) {
      outcome = 'interrupted';
      interruptedBy = abortReason(options.signal);
    } else if (caught instanceof StopConditionError) {
      outcome = 'stopped';
      stoppedBy = caught.message;
      error = caught.message;
      progress.note(caught.message);
    } else if (caught instanceof InconclusiveError) {
      outcome = 'inconclusive';
      inconclusive = caught.message;
      progress.note(`Inconclusive (${caught.message}): restoring ${options.target} now`);
    } else {
      outcome = 'failed';
      error = firstLineOf(caught);
      progress.note(`Drill failed (${error}): restoring ${options.target} now`);
    }
  }
  if (outcome === 'passed' && inconclusive !== undefined) outcome = 'inconclusive';

  const restored = await restoreAfterDrill(ctx, {
    options,
    check,
    lock,
    acted,
    vantages,
    baseline,
    probe,
    fingerprints,
    phase,
  });
  phase('done');
  for (const answer of restored.lastAnswers) {
    const entry = timeline.get(answer.vantage.region);
    if (entry) entry.after = answer.mapped.regions;
  }
  if (restored.restoreSeconds !== undefined) timings.restoreSeconds = restored.restoreSeconds;
  if (restored.failed) outcome = 'restore-failed';
  const errors = [error, restored.error].filter((text): text is string => text !== undefined);

  return {
    drillId: options.drillId,
    appName: config.appName,
    region: options.target,
    method: options.method,
    phase: preflight.phase,
    healthCheckId: check.id,
    startedAt: new Date(startedAtMs).toISOString(),
    endedAt: new Date(clock.now()).toISOString(),
    outcome,
    ...(interruptedBy !== undefined ? { interruptedBy } : {}),
    ...(inconclusive !== undefined ? { inconclusive } : {}),
    ...(stoppedBy !== undefined ? { stoppedBy } : {}),
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    timings,
    restore: {
      configRestored: restored.configRestored,
      healthyAgain: restored.healthyAgain,
      dnsRestored: restored.dnsRestored,
      lockRemoved: restored.lockRemoved,
      ...(restored.error !== undefined ? { error: restored.error } : {}),
      ...(restored.manualCommands.length > 0 ? { manualCommands: restored.manualCommands } : {}),
    },
    dnsServedRegionBefore: baseline.some((answer) => answerIncludes(answer.mapped, options.target)),
    vantages: vantages.map((vantage) => ({
      region: vantage.region,
      clientSubnet: vantage.clientSubnet,
      ...(timeline.get(vantage.region) ?? { before: [], during: [], after: [] }),
    })),
    vantagesMissing: missing,
    vantagesFailed,
    stopAlarms: preflight.stopAlarms.map((ref) => `${ref.region}/${ref.name}`),
    plan: {
      healthyNow: preflight.plan.healthyNow,
      healthyAfter: preflight.plan.healthyAfter,
      minHealthyRegions: preflight.plan.minHealthyRegions,
      matrix: preflight.plan.matrix,
    },
  };
}

interface RestoreInput {
  readonly options: DrillOptions;
  readonly check: TaggedHealthCheck;
  readonly lock: DrillLock;
  readonly acted: boolean;
  readonly vantages: readonly VantagePoint[];
  readonly baseline: readonly VantageAnswer[];
  readonly probe: ReturnType<typeof dnsProbeTargetOf>;
  readonly fingerprints: { current: RegionFingerprints };
  readonly phase: (phase: DrillPhase, deadline?: number) => void;
}

async function restoreAfterDrill(ctx: DrillContext, input: RestoreInput): Promise<RestoreResult> {
  const { options, check, lock } = input;
  const startMs = ctx.clock.now();
  const deadlineMs = startMs + options.restoreTimeoutMs;
  input.phase('restoring', deadlineMs);
  const step = ctx.progress.start(`Restoring ${options.target}`);
  // Undo even when the action seemed not to happen: its call may have succeeded before failing.
  const restored = await restoreDrill(ctx, {
    target: {
      method: options.method,
      region: options.target,
      healthCheckId: check.id,
      originalInverted: lock.originalInverted,
    },
    deadlineMs,
    removeLock: true,
    ...(options.giveUpSignal !== undefined ? { giveUp: options.giveUpSignal } : {}),
    onRetry: (attempt, problem) =>
      step.update(
        `Restoring ${options.target}: attempt ${attempt} failed (${problem}); retrying until ${new Date(deadlineMs).toISOString().slice(11, 19)} UTC`,
      ),
    onUndone: () => {
      input.phase('waiting');
      step.update(`Restored ${options.target}; waiting for it to be healthy and back in DNS`);
    },
    ...(input.acted
      ? {
          wait: {
            check,
            vantages: input.vantages,
            baseline: input.baseline,
            probe: input.probe,
            fingerprints: input.fingerprints,
            pollMs: options.pollMs,
            ...(options.restoreSignal !== undefined ? { signal: options.restoreSignal } : {}),
            onTick: (text: string) => step.update(`Restored ${options.target}; ${text}`),
          },
        }
      : {}),
  });
  if (!restored.configRestored) step.fail(`Restore of ${options.target} could not be verified`);
  else if (!restored.lockRemoved) step.warn(restored.error);
  else if (restored.failed) step.fail(restored.error);
  else
    step.succeed(
      `Restored ${options.target}${restored.restoreSeconds !== undefined ? ` (back after ${restored.restoreSeconds}s)` : ''}; lock removed`,
    );
  if (!input.acted && restored.configRestored) {
    // Nothing was changed, so nothing has to come back.
    return { ...restored, healthyAgain: 'yes', dnsRestored: 'yes' };
  }
  return restored;
}

/** Take the lock, then read all locks back: if another drill slipped in, back off. */
async function acquireLock(
  ctx: DrillContext,
  preflight: DrillPreflight,
  healthCheckId: string,
  lock: DrillLock,
): Promise<void> {
  const { route53 } = ctx.gateways;
  const step = ctx.progress.start(
    `Taking the drill lock (tag ${TAG_DRILL_LOCK} on ${healthCheckId})`,
  );
  await route53.putTag(healthCheckId, TAG_DRILL_LOCK, formatLock(lock));
  const ids = [...preflight.checks.values()].map((check) => check.id);
  let tags: Map<string, Record<string, string>>;
  try {
    tags = await route53.getTags(ids);
  } catch (error) {
    await route53.removeTag(healthCheckId, TAG_DRILL_LOCK).catch(() => undefined);
    step.fail('Could not read the drill locks back');
    throw error;
  }
  const others = [...tags.entries()].filter(
    ([id, set]) =>
      set[TAG_DRILL_LOCK] !== undefined &&
      !(id === healthCheckId && set[TAG_DRILL_LOCK] === formatLock(lock)),
  );
  if (others.length > 0) {
    // Another drill wrote its lock at the same moment: both back off rather than both run.
    if (tags.get(healthCheckId)?.[TAG_DRILL_LOCK] === formatLock(lock)) {
      await route53.removeTag(healthCheckId, TAG_DRILL_LOCK);
    }
    step.fail('Another drill took a lock at the same time');
    throw new LockHeldError(
      `another drill took a lock at the same time (on ${others.map(([id]) => id).join(', ')}); run aactl status, then try again`,
    );
  }
  step.succeed(`Drill lock taken (${lock.drillId})`);
}

async function applyAction(
  ctx: DrillContext,
  options: DrillOptions,
  check: TaggedHealthCheck,
): Promise<void> {
  if (options.method === 'invert') {
    await ctx.gateways.route53.setInverted(check.id, !check.inverted, check.version);
    return;
  }
  const now = ctx.clock.now();
  await ctx.gateways.drain.setDrain(options.target, {
    reason: options.reason ?? `aactl drill ${options.drillId}`,
    setAt: new Date(now),
    // TTL is the safety net for a drill nobody restores; DynamoDB deletes expired items lazily.
    expiresAt: new Date(now + longestDrillMs(options)),
    drillId: options.drillId,
  });
}

function describeAction(
  method: DrillMethod,
  region: string,
  check: TaggedHealthCheck,
  running: boolean,
): string {
  if (method === 'invert') {
    return running
      ? `Inverting health check ${check.id} of ${region} (Inverted=${!check.inverted}, version ${check.version})`
      : `Inverted health check ${check.id} of ${region}`;
  }
  return running ? `Setting the drain flag of ${region}` : `Drain flag of ${region} set`;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError();
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' ? reason : 'an interrupt';
}
