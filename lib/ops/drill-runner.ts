import { TAG_DRILL_LOCK } from '../config/naming';
import type { AppConfig } from '../config/schema';
import { answerExcludes, answerIncludes, type RegionFingerprints } from './dns-answer';
import type { DrillMethod } from './drill-method';
import { formatDuration, toSeconds } from './duration';
import { firstLineOf } from './error-line';
import type { TaggedHealthCheck } from './gateways/route53';
import { readHealth, type HealthState } from './health';
import {
  dnsProbeTargetOf,
  findHealthChecks,
  findLocks,
  probeVantages,
  readFingerprints,
  readRegionHealth,
  type LockFinding,
  type OpsGateways,
  type RegionHealthLive,
  type VantageAnswer,
} from './live';
import { formatLock, type DrillLock, type LockObserver } from './lock';
import { planDrill, type DrillPlan } from './planner';
import { abortError, isAbortError, type Clock, type Sleep, type StepReporter } from './progress';
import { vantagePointsFor, type VantagePoint } from './vantage-points';

/**
 * Running a failover drill: preflight from live status, lock, act, observe, hold, and always
 * restore (on success, errors, timeouts and interrupts), then report. Every side effect goes
 * through the injected gateways, clock and sleep, so tests run it in microseconds.
 */

/** What a drill needs from the outside world. */
export interface DrillContext {
  readonly config: AppConfig;
  readonly gateways: OpsGateways;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly progress: StepReporter;
  /** This process, for the lock. */
  readonly identity: { readonly pid: number; readonly hostname: string };
  /** Whether a pid is alive on this host (to judge locks). */
  readonly pidAlive: (pid: number) => boolean;
}

/** Everything the preflight learnt. */
export interface DrillPreflight {
  readonly plan: DrillPlan;
  readonly live: readonly RegionHealthLive[];
  /** The target's health check, when found. */
  readonly targetCheck: TaggedHealthCheck | undefined;
  /** Every health check of the app, by region. */
  readonly checks: ReadonlyMap<string, TaggedHealthCheck>;
  /** Drill locks found on any of the app's health checks. */
  readonly locks: readonly LockFinding[];
  /** Problems found besides the plan's refusals (e.g. duplicate health checks). */
  readonly warnings: readonly string[];
}

/** Read live status and plan the drill (no changes). */
export async function preflightDrill(
  ctx: DrillContext,
  target: string,
  method: DrillMethod,
): Promise<DrillPreflight> {
  const { config, gateways } = ctx;
  const index = await findHealthChecks(gateways.route53, config);
  const live = await readRegionHealth(gateways.route53, config.regions, index);
  const plan = planDrill({
    regions: live.map((row) => ({
      region: row.region,
      healthCheckId: row.healthCheck?.id,
      reading: row.reading,
      inverted: row.healthCheck?.inverted ?? false,
      disabled: row.healthCheck?.disabled ?? false,
    })),
    target,
    method,
    minHealthyRegions: config.drills.minHealthyRegions,
    phase: config.rollout.phase,
    primaryRegion: config.primaryRegion,
  });
  const warnings: string[] = [];
  for (const [region, ids] of index.duplicates) {
    warnings.push(
      `${region} has more than one health check tagged ${config.appName} (extra: ${ids.join(', ')}); using ${index.byRegion.get(region)?.id}`,
    );
  }
  for (const row of live) {
    if (row.error !== undefined) warnings.push(`cannot read health of ${row.region}: ${row.error}`);
  }
  return {
    plan,
    live,
    targetCheck: index.byRegion.get(target),
    checks: index.byRegion,
    locks: findLocks(index, lockObserver(ctx)),
    warnings,
  };
}

/** Drill settings from the command line. */
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
  /** Longest wait for the region to be healthy and back in DNS after the restore. */
  readonly restoreTimeoutMs: number;
  /** Aborts observe and hold (first Ctrl-C / SIGTERM): the drill goes straight to restore. */
  readonly signal: AbortSignal;
  /** Aborts the wait after the restore (second Ctrl-C); the restore itself always completes. */
  readonly restoreSignal?: AbortSignal;
  /** Why the region is drained (drain method). */
  readonly reason?: string;
}

/** How a drill ended. */
export type DrillOutcome = 'passed' | 'failed' | 'interrupted' | 'restore-failed';

/** What one vantage point saw before, during and after the drill. */
export interface VantageTimeline {
  readonly region: string;
  readonly clientSubnet: string;
  readonly before: string[];
  readonly during: string[];
  readonly after: string[];
}

/** The result of a drill, written as JSON and rendered as a table. */
export interface DrillReport {
  readonly drillId: string;
  readonly appName: string;
  readonly region: string;
  readonly method: DrillMethod;
  readonly phase: string;
  readonly healthCheckId: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly outcome: DrillOutcome;
  /** The signal that interrupted the drill, if any. */
  readonly interruptedBy?: string;
  /** What went wrong, in one line, if anything. */
  readonly error?: string;
  readonly timings: {
    /** Action until the health check reported unhealthy. */
    readonly detectionSeconds?: number;
    /** Action until every vantage point stopped answering with the region. */
    readonly dnsConvergenceSeconds?: number;
    /** Time the region was held out. */
    readonly holdSeconds?: number;
    /** Start of the restore until the region was healthy and back in DNS. */
    readonly restoreSeconds?: number;
  };
  readonly restore: {
    /** The health check / drain flag is back as before, read back and compared. */
    readonly configRestored: boolean;
    /** The region reports healthy again: yes, no (timed out) or not waited for. */
    readonly healthyAgain: 'yes' | 'no' | 'not-waited';
    /** Every vantage that answered with the region before does so again. */
    readonly dnsRestored: 'yes' | 'no' | 'not-waited' | 'no-vantages';
    readonly lockRemoved: boolean;
    readonly error?: string;
  };
  /** Whether any vantage answered with the region before the drill. */
  readonly dnsServedRegionBefore: boolean;
  readonly vantages: readonly VantageTimeline[];
  /** Regions without a vantage point (not probed). */
  readonly vantagesMissing: readonly string[];
  /** Vantage points whose baseline TestDNSAnswer failed (not observed). */
  readonly vantagesFailed: readonly { readonly region: string; readonly error: string }[];
  readonly plan: {
    readonly healthyNow: number;
    readonly healthyAfter: number;
    readonly minHealthyRegions: number;
    readonly matrix: DrillPlan['matrix'];
  };
}

/** Another drill holds the lock. */
export class LockHeldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockHeldError';
  }
}

/** Safety margin added to a lock's deadline. */
const LOCK_MARGIN_MS = 10 * 60_000;
/** Restore calls are retried this many times before the drill gives up and keeps the lock. */
const RESTORE_ATTEMPTS = 4;

/** The longest a drill can run (observe, hold, restore) plus the safety margin. */
function longestDrillMs(
  options: Pick<DrillOptions, 'observeTimeoutMs' | 'holdMs' | 'restoreTimeoutMs'>,
): number {
  return options.observeTimeoutMs + options.holdMs + options.restoreTimeoutMs + LOCK_MARGIN_MS;
}

/** Lock, act, observe, hold, restore; never throws after the lock is taken (errors are in the report). */
export async function executeDrill(
  ctx: DrillContext,
  preflight: DrillPreflight,
  options: DrillOptions,
): Promise<DrillReport> {
  const { config, gateways, clock, progress } = ctx;
  const check = preflight.targetCheck;
  if (check === undefined) throw new Error(`no health check for ${options.target}`);
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
  let acted = false;
  let baseline: VantageAnswer[] = [];
  const guard = safetyGuard(ctx, preflight, options.target);

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
    if (vantagesFailed.length > 0) {
      dnsStep.warn(
        `TestDNSAnswer failed from ${vantagesFailed.map((failed) => failed.region).join(', ')} (${vantagesFailed[0]?.error ?? ''}); DNS is observed without ${vantagesFailed.length === 1 ? 'it' : 'them'}`,
      );
    } else if (vantages.length === 0) {
      dnsStep.warn('No vantage points for these regions: DNS is not observed');
    } else {
      dnsStep.succeed(
        `Baseline: ${baseline.map((answer) => `${answer.vantage.region}→${answer.mapped.regions.join('+') || '?'}`).join(', ')}`,
      );
    }
    throwIfAborted(options.signal);
    // Health may have changed since the preflight: judge again right before acting.
    await guard();

    const actStep = progress.start(describeAction(options.method, options.target, check, true));
    await applyAction(ctx, options, check);
    acted = true;
    const actedAtMs = clock.now();
    actStep.succeed(describeAction(options.method, options.target, check, false));

    const observeStep = progress.start(`Waiting for ${options.target} to leave DNS`);
    const observed = await observe(ctx, {
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
      throw new Error(observeTimeoutMessage(options, observed));
    }
    observeStep.succeed(
      `${options.target} unhealthy after ${timings.detectionSeconds ?? '?'}s, out of DNS after ${timings.dnsConvergenceSeconds ?? '?'}s`,
    );

    const holdUntil = new Date(clock.now() + options.holdMs).toISOString().slice(11, 19);
    const holdStep = progress.start(
      `Holding ${options.target} out for ${formatDuration(options.holdMs)} (until ${holdUntil} UTC; Ctrl-C restores now)`,
    );
    const holdStartMs = clock.now();
    try {
      // Hold in poll-sized steps, watching the other regions: a real outage elsewhere ends the hold.
      for (let left = options.holdMs; left > 0; left = holdStartMs + options.holdMs - clock.now()) {
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
      progress.note(`Interrupted by ${interruptedBy}: restoring ${options.target} now`);
    } else {
      outcome = 'failed';
      error = firstLineOf(caught);
      progress.note(`Drill failed (${error}): restoring ${options.target} now`);
    }
  }

  const restored = await restoreAfterDrill(ctx, {
    options,
    check,
    lock,
    acted,
    vantages,
    baseline,
    probe,
    fingerprints,
  });
  for (const answer of restored.lastAnswers) {
    const entry = timeline.get(answer.vantage.region);
    if (entry) entry.after = answer.mapped.regions;
  }
  if (restored.restoreSeconds !== undefined) timings.restoreSeconds = restored.restoreSeconds;
  if (restored.failed) outcome = 'restore-failed';

  return {
    drillId: options.drillId,
    appName: config.appName,
    region: options.target,
    method: options.method,
    phase: config.rollout.phase,
    healthCheckId: check.id,
    startedAt: new Date(startedAtMs).toISOString(),
    endedAt: new Date(clock.now()).toISOString(),
    outcome,
    ...(interruptedBy !== undefined ? { interruptedBy } : {}),
    ...(error !== undefined || restored.error !== undefined
      ? { error: [error, restored.error].filter(Boolean).join('; ') }
      : {}),
    timings,
    restore: {
      configRestored: restored.configRestored,
      healthyAgain: restored.healthyAgain,
      dnsRestored: restored.dnsRestored,
      lockRemoved: restored.lockRemoved,
      ...(restored.error !== undefined ? { error: restored.error } : {}),
    },
    dnsServedRegionBefore: baseline.some((answer) => answerIncludes(answer.mapped, options.target)),
    vantages: vantages.map((vantage) => ({
      region: vantage.region,
      clientSubnet: vantage.clientSubnet,
      ...(timeline.get(vantage.region) ?? { before: [], during: [], after: [] }),
    })),
    vantagesMissing: missing,
    vantagesFailed,
    plan: {
      healthyNow: preflight.plan.healthyNow,
      healthyAfter: preflight.plan.healthyAfter,
      minHealthyRegions: preflight.plan.minHealthyRegions,
      matrix: preflight.plan.matrix,
    },
  };
}

/** The drill ended early because too few other regions stayed healthy. */
export class SafetyStopError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetyStopError';
  }
}

/**
 * Watch the other regions while the target is out: if fewer than `minHealthyRegions` of them are
 * healthy (a real outage elsewhere), throw so the drill restores the target at once. A region
 * whose status cannot be read keeps its last known state, so a throttled call does not end a drill.
 */
function safetyGuard(
  ctx: DrillContext,
  preflight: DrillPreflight,
  target: string,
): () => Promise<void> {
  const known = new Map(preflight.live.map((row) => [row.region, row.reading.state]));
  const others = ctx.config.regions.filter((region) => region !== target);
  const index = { byRegion: preflight.checks, duplicates: new Map<string, string[]>(), strays: [] };
  return async () => {
    const live = await readRegionHealth(ctx.gateways.route53, others, index);
    for (const row of live) {
      if (row.error === undefined) known.set(row.region, row.reading.state);
    }
    const healthy = others.filter((region) => known.get(region) === 'healthy');
    const min = ctx.config.drills.minHealthyRegions;
    if (healthy.length < min) {
      const down = others.filter((region) => known.get(region) !== 'healthy');
      throw new SafetyStopError(
        `stopped early: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} not healthy, leaving ${healthy.length} healthy besides ${target} (minimum ${min}); ${target} was put back at once, check those regions`,
      );
    }
  };
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

/** What a restore needs to know. */
export interface UndoTarget {
  readonly method: DrillMethod;
  readonly region: string;
  readonly healthCheckId: string;
  readonly originalInverted: boolean;
}

/**
 * Undo a drill's action and read it back: put `Inverted` back (with the current version), or
 * delete the drain flag. Retries transient failures; returns whether the state is verified.
 */
export async function undoAction(
  ctx: Pick<DrillContext, 'gateways' | 'sleep'>,
  target: UndoTarget,
): Promise<{ verified: boolean; error?: string }> {
  let lastError: string | undefined;
  for (let attempt = 1; attempt <= RESTORE_ATTEMPTS; attempt += 1) {
    try {
      if (target.method === 'invert') {
        const current = await ctx.gateways.route53.getHealthCheck(target.healthCheckId);
        if (current.inverted !== target.originalInverted) {
          await ctx.gateways.route53.setInverted(
            target.healthCheckId,
            target.originalInverted,
            current.version,
          );
        }
        const after = await ctx.gateways.route53.getHealthCheck(target.healthCheckId);
        if (after.inverted === target.originalInverted) return { verified: true };
        lastError = `health check ${target.healthCheckId} still has Inverted=${after.inverted}`;
      } else {
        await ctx.gateways.drain.clearDrain(target.region);
        const after = await ctx.gateways.drain.getDrain(target.region);
        if (after === undefined) return { verified: true };
        lastError = `drain flag of ${target.region} is still present`;
      }
    } catch (error) {
      lastError = firstLineOf(error);
    }
    // Never aborted: a restore must not be cut short by a second Ctrl-C.
    if (attempt < RESTORE_ATTEMPTS) await ctx.sleep(1000 * 2 ** (attempt - 1));
  }
  return { verified: false, ...(lastError !== undefined ? { error: lastError } : {}) };
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
}

interface RestoreResult {
  readonly configRestored: boolean;
  readonly healthyAgain: DrillReport['restore']['healthyAgain'];
  readonly dnsRestored: DrillReport['restore']['dnsRestored'];
  readonly lockRemoved: boolean;
  readonly restoreSeconds?: number;
  readonly failed: boolean;
  readonly error?: string;
  readonly lastAnswers: readonly VantageAnswer[];
}

async function restoreAfterDrill(ctx: DrillContext, input: RestoreInput): Promise<RestoreResult> {
  const { options, check, lock } = input;
  const step = ctx.progress.start(`Restoring ${options.target}`);
  const startMs = ctx.clock.now();
  // Undo even when the action seemed not to happen: its call may have succeeded before failing.
  const undone = await undoAction(ctx, {
    method: options.method,
    region: options.target,
    healthCheckId: check.id,
    originalInverted: lock.originalInverted,
  });
  if (!undone.verified) {
    step.fail(`Restore of ${options.target} could not be verified`);
    return {
      configRestored: false,
      healthyAgain: 'no',
      dnsRestored: 'no',
      lockRemoved: false,
      failed: true,
      error: `restore of ${options.target} failed (${undone.error ?? 'unknown error'}); run aactl drill restore --region ${options.target}`,
      lastAnswers: [],
    };
  }
  step.update(`Restored ${options.target}; waiting for it to be healthy and back in DNS`);

  let healthyAgain: RestoreResult['healthyAgain'] = 'not-waited';
  let dnsRestored: RestoreResult['dnsRestored'] =
    input.vantages.length === 0 ? 'no-vantages' : 'not-waited';
  let restoreSeconds: number | undefined;
  let lastAnswers: readonly VantageAnswer[] = [];
  const restoreSignal = options.restoreSignal ?? new AbortController().signal;
  if (input.acted && !restoreSignal.aborted) {
    const observed = await observe(ctx, {
      target: options.target,
      check,
      want: 'healthy',
      vantages: input.vantages,
      baseline: input.baseline,
      probe: input.probe,
      fingerprints: input.fingerprints,
      startMs,
      deadlineMs: startMs + options.restoreTimeoutMs,
      pollMs: options.pollMs,
      signal: restoreSignal,
      onTick: (text) => step.update(`Restored ${options.target}; ${text}`),
    });
    lastAnswers = observed.lastAnswers;
    if (!observed.aborted) {
      healthyAgain = observed.healthAtMs !== undefined ? 'yes' : 'no';
      if (input.vantages.length > 0) dnsRestored = observed.dnsAtMs !== undefined ? 'yes' : 'no';
      if (!observed.timedOut) restoreSeconds = toSeconds(ctx.clock.now() - startMs);
    }
  } else if (!input.acted) {
    healthyAgain = 'yes';
    if (input.vantages.length > 0) dnsRestored = 'yes';
  }

  let lockRemoved = false;
  let lockError: string | undefined;
  try {
    await ctx.gateways.route53.removeTag(check.id, TAG_DRILL_LOCK);
    lockRemoved = true;
  } catch (error) {
    lockError = `restored, but could not remove the drill lock (${firstLineOf(error)}); run aactl drill restore --region ${options.target}`;
  }

  const notBack = healthyAgain === 'no' || dnsRestored === 'no';
  const error = notBack
    ? `${options.target} was restored but is ${healthyAgain === 'no' ? 'still unhealthy' : 'still missing from DNS'} after ${formatDuration(options.restoreTimeoutMs)}; check its /health and run aactl status`
    : lockError;
  if (notBack) step.fail(error);
  else if (lockError) step.warn(lockError);
  else
    step.succeed(
      `Restored ${options.target}${restoreSeconds !== undefined ? ` (back after ${restoreSeconds}s)` : ''}; lock removed`,
    );
  return {
    configRestored: true,
    healthyAgain,
    dnsRestored,
    lockRemoved,
    ...(restoreSeconds !== undefined ? { restoreSeconds } : {}),
    failed: notBack || !lockRemoved,
    ...(error !== undefined ? { error } : {}),
    lastAnswers,
  };
}

interface ObserveInput {
  readonly target: string;
  readonly check: TaggedHealthCheck;
  /** The health the target should reach. */
  readonly want: HealthState;
  readonly vantages: readonly VantagePoint[];
  readonly baseline: readonly VantageAnswer[];
  readonly probe: ReturnType<typeof dnsProbeTargetOf>;
  readonly fingerprints: { current: RegionFingerprints };
  readonly startMs: number;
  readonly deadlineMs: number;
  readonly pollMs: number;
  readonly signal: AbortSignal;
  /** Checked every tick; throws to end the drill (see `safetyGuard`). */
  readonly guard?: () => Promise<void>;
  readonly onTick: (text: string) => void;
}

interface ObserveResult {
  readonly healthAtMs?: number;
  readonly dnsAtMs?: number;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly lastState: HealthState | undefined;
  readonly lastAnswers: readonly VantageAnswer[];
  readonly lastError?: string;
}

/**
 * Poll until the target reaches the wanted health and DNS agrees (out of every answer, or back in
 * every answer that had it before), or the deadline passes. Transient API errors are retried.
 */
async function observe(ctx: DrillContext, input: ObserveInput): Promise<ObserveResult> {
  const { route53 } = ctx.gateways;
  let healthAtMs: number | undefined;
  let dnsAtMs: number | undefined = input.vantages.length === 0 ? input.startMs : undefined;
  let lastState: HealthState | undefined;
  let lastAnswers: readonly VantageAnswer[] = [];
  let lastError: string | undefined;
  const hadTarget = new Set(
    input.baseline
      .filter((answer) => answerIncludes(answer.mapped, input.target))
      .map((answer) => answer.vantage.region),
  );
  for (;;) {
    await input.guard?.();
    if (input.signal.aborted) {
      return {
        healthAtMs,
        dnsAtMs,
        timedOut: false,
        aborted: true,
        lastState,
        lastAnswers,
        lastError,
      };
    }
    try {
      if (healthAtMs === undefined) {
        const details = await route53.getHealthCheck(input.check.id);
        const observations = await route53.getHealthCheckStatus(input.check.id);
        lastState = readHealth(observations, details).state;
        if (lastState === input.want) healthAtMs = ctx.clock.now();
      }
      if (dnsAtMs === undefined) {
        lastAnswers = await probeVantages(route53, input.probe, input.vantages, input.fingerprints);
        const done =
          input.want === 'unhealthy'
            ? lastAnswers.every((answer) => answerExcludes(answer.mapped, input.target))
            : lastAnswers.every(
                (answer) =>
                  !hadTarget.has(answer.vantage.region) ||
                  answerIncludes(answer.mapped, input.target),
              );
        if (done) dnsAtMs = ctx.clock.now();
      }
      lastError = undefined;
    } catch (error) {
      lastError = firstLineOf(error);
    }
    const now = ctx.clock.now();
    if (healthAtMs !== undefined && dnsAtMs !== undefined) {
      return { healthAtMs, dnsAtMs, timedOut: false, aborted: false, lastState, lastAnswers };
    }
    if (now >= input.deadlineMs) {
      return {
        healthAtMs,
        dnsAtMs,
        timedOut: true,
        aborted: false,
        lastState,
        lastAnswers,
        lastError,
      };
    }
    const waiting = input.vantages.length - countSettled(lastAnswers, input);
    input.onTick(
      `${formatDuration(now - input.startMs)}: health ${healthAtMs !== undefined ? input.want : (lastState ?? '…')}` +
        (dnsAtMs === undefined
          ? `, DNS waiting on ${waiting} vantage point${waiting === 1 ? '' : 's'}`
          : ', DNS done') +
        (lastError ? ` (last error: ${lastError})` : ''),
    );
    try {
      await ctx.sleep(Math.min(input.pollMs, Math.max(0, input.deadlineMs - now)), input.signal);
    } catch (error) {
      if (!isAbortError(error)) throw error;
    }
  }
}

function countSettled(answers: readonly VantageAnswer[], input: ObserveInput): number {
  return answers.filter((answer) =>
    input.want === 'unhealthy'
      ? answerExcludes(answer.mapped, input.target)
      : answerIncludes(answer.mapped, input.target),
  ).length;
}

function observeTimeoutMessage(
  options: DrillOptions,
  observed: {
    healthAtMs?: number;
    dnsAtMs?: number;
    lastError?: string;
    lastAnswers: readonly VantageAnswer[];
  },
): string {
  const what =
    observed.healthAtMs === undefined
      ? `the health check of ${options.target} did not report unhealthy`
      : `DNS still answered with ${options.target} from ${observed.lastAnswers
          .filter((answer) => !answerExcludes(answer.mapped, options.target))
          .map((answer) => answer.vantage.region)
          .join(', ')}`;
  const cause = observed.lastError ? ` (last error: ${observed.lastError})` : '';
  return `${what} within ${formatDuration(options.observeTimeoutMs)}${cause}; raise --observe-timeout or check the health check and records`;
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

/** Who observes locks: this process's view of its host. */
export function lockObserver(
  ctx: Pick<DrillContext, 'clock' | 'identity' | 'pidAlive'>,
): LockObserver {
  return {
    now: new Date(ctx.clock.now()),
    hostname: ctx.identity.hostname,
    pidAlive: ctx.pidAlive,
  };
}

/** A drill id: time, region and pid, e.g. `20250101T120000Z-eu-west-1-4242`. */
export function drillIdOf(nowMs: number, region: string, pid: number): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${stamp}-${region}-${pid}`;
}
