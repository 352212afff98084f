import { isAbsolute, join } from 'node:path';
import { Option, type Command } from 'commander';
import { TAG_DRILL_LOCK } from '../../config/naming';
import { DRILL_METHODS, type DrillMethod } from '../drill-method';
import {
  drillIdOf,
  executeDrill,
  lockObserver,
  preflightDrill,
  undoAction,
  type DrillContext,
  type DrillOutcome,
  type DrillReport,
} from '../drill-runner';
import { formatDuration } from '../duration';
import { findHealthChecks, findLocks, readRegionHealth, type LockFinding } from '../live';
import { isoSeconds } from '../lock';
import { vantagePointsFor } from '../vantage-points';
import type { CommandContext, CommandKit, InterruptSignal } from './context';
import { CliError, DRILL_EXIT_HELP, ExitCode, RESTORE_EXIT_HELP, usageError } from './exit-codes';
import { durationFlag, type DurationBounds } from './options';
import { paintState, planSteps, renderDrillReport, renderPlan } from './render';

/** Where drill reports go unless `--report-file` says otherwise (git-ignored). */
export const REPORT_DIR = '.drills';

interface FailOptions {
  readonly region: string;
  readonly method: DrillMethod;
  readonly hold: number;
  readonly poll: number;
  readonly observeTimeout: number;
  readonly restoreTimeout: number;
  readonly execute?: boolean;
  readonly reportFile?: string;
  readonly metric?: boolean;
  readonly reason?: string;
}

interface RestoreOptions {
  readonly region?: string;
  readonly force?: boolean;
}

/** Limits of the drill's durations: long enough to measure, short enough to be a drill. */
export const DRILL_BOUNDS = {
  hold: { min: '0s', max: '6h' },
  poll: { min: '100ms', max: '1m' },
  observeTimeout: { min: '10s', max: '1h' },
  restoreTimeout: { min: '30s', max: '1h' },
} as const satisfies Record<string, DurationBounds>;

/** `aactl drill fail` and `aactl drill restore`. */
export function registerDrillCommands(program: Command, kit: CommandKit): void {
  const drill = program
    .command('drill')
    .description('Failover drills: take one region out of DNS, measure, and always restore');

  drill
    .command('fail')
    .description(
      'Take a region out (dry run unless --execute): preflight from live health, lock, act, observe detection and DNS convergence, hold, restore, report',
    )
    .requiredOption('--region <region>', 'region to fail (one of the configured regions)')
    .addOption(
      new Option(
        '--method <method>',
        'invert: UpdateHealthCheck Inverted; drain: regional drain flag (no Route 53 control plane)',
      )
        .choices(DRILL_METHODS)
        .default('invert'),
    )
    .addOption(
      durationFlag(
        '--hold <duration>',
        'how long to keep the region out after DNS converged',
        '5m',
        DRILL_BOUNDS.hold,
      ),
    )
    .option('--execute', 'carry the drill out (default: dry run, print the plan)')
    .addOption(
      durationFlag('--poll <duration>', 'time between status polls', '5s', DRILL_BOUNDS.poll),
    )
    .addOption(
      durationFlag(
        '--observe-timeout <duration>',
        'longest wait for detection and DNS convergence',
        '5m',
        DRILL_BOUNDS.observeTimeout,
      ),
    )
    .addOption(
      durationFlag(
        '--restore-timeout <duration>',
        'longest wait for the region to be healthy and back in DNS',
        '5m',
        DRILL_BOUNDS.restoreTimeout,
      ),
    )
    .option(
      '--report-file <path>',
      `where to write the JSON report (default ${REPORT_DIR}/<drill id>.json)`,
    )
    .option('--metric', 'publish CloudWatch metric FailoverSeconds (namespace ActiveActive/Drills)')
    .option('--reason <text>', 'reason stored with the drain flag')
    .addHelpText('after', DRILL_EXIT_HELP)
    .action(kit.action<FailOptions>((ctx, options) => drillFail(ctx, options)));

  drill
    .command('restore')
    .description(
      'Undo a drill left behind (killed process): restore Inverted / clear the drain flag, verify, remove the lock',
    )
    .option('--region <region>', 'only this region (default: every region with a drill lock)')
    .option(
      '--force',
      'also restore a drill that looks alive (its process on another host is gone)',
    )
    .addHelpText('after', RESTORE_EXIT_HELP)
    .action(kit.action<RestoreOptions>((ctx, options) => drillRestore(ctx, options)));
}

function drillContextOf(ctx: CommandContext): DrillContext {
  return {
    config: ctx.config,
    gateways: ctx.gateways,
    clock: ctx.deps.clock,
    sleep: ctx.deps.sleep,
    progress: ctx.progress,
    identity: ctx.deps.identity,
    pidAlive: ctx.deps.pidAlive,
  };
}

function checkRegion(ctx: CommandContext, region: string): void {
  if (!ctx.config.regions.includes(region)) {
    throw usageError(
      `--region ${region} is not a configured region (${ctx.config.regions.join(', ')}); pick one of them`,
    );
  }
}

async function drillFail(ctx: CommandContext, options: FailOptions): Promise<number> {
  checkRegion(ctx, options.region);
  if (options.poll > options.observeTimeout) {
    throw usageError(
      `--poll ${formatDuration(options.poll)} is longer than --observe-timeout ${formatDuration(options.observeTimeout)}; poll more often or wait longer`,
    );
  }
  const drillCtx = drillContextOf(ctx);
  const step = ctx.progress.start(
    `Preflight: reading live health of ${ctx.config.regions.join(', ')}`,
  );
  const preflight = await preflightDrill(drillCtx, options.region, options.method);
  step.succeed(
    `Preflight: ${preflight.plan.healthyNow} healthy now, ${preflight.plan.healthyAfter} after (minimum ${preflight.plan.minHealthyRegions})`,
  );
  const drillId = drillIdOf(ctx.deps.clock.now(), options.region, ctx.deps.identity.pid);
  const reportFile = resolveReportFile(ctx, options.reportFile, drillId);
  const steps = planSteps(preflight.plan, {
    healthCheckId: preflight.targetCheck?.id,
    version: preflight.targetCheck?.version,
    inverted: preflight.targetCheck?.inverted,
    tableName: ctx.config.tableName,
    publicName: ctx.config.publicName,
    vantageRegions: vantagePointsFor(ctx.config.regions).vantages.map((vantage) => vantage.region),
    holdMs: options.hold,
    pollMs: options.poll,
    observeTimeoutMs: options.observeTimeout,
    restoreTimeoutMs: options.restoreTimeout,
    reportFile,
    metric: options.metric === true,
  });
  const lockProblem = lockRefusal(preflight.locks);

  if (options.execute !== true || !preflight.plan.allowed || lockProblem !== undefined) {
    if (ctx.output.json) {
      ctx.output.printJson({
        dryRun: options.execute !== true,
        plan: preflight.plan,
        steps,
        warnings: preflight.warnings,
        locks: preflight.locks.map(describeLock),
      });
    } else {
      ctx.output.line(renderPlan(preflight.plan, steps, preflight.warnings, ctx.output.palette));
    }
    if (lockProblem !== undefined) throw new CliError(lockProblem, ExitCode.LockHeld);
    if (!preflight.plan.allowed) {
      throw new CliError(
        `refused: ${preflight.plan.refusals.map((refusal) => refusal.message).join('; ')}`,
        ExitCode.Refused,
      );
    }
    return ExitCode.Ok;
  }

  const interrupt = new AbortController();
  const stopWaiting = new AbortController();
  let interrupts = 0;
  const unsubscribe = ctx.deps.signals((signal: InterruptSignal) => {
    interrupts += 1;
    if (interrupts === 1) {
      interrupt.abort(signal);
    } else if (interrupts === 2) {
      stopWaiting.abort(signal);
      ctx.progress.note('Restore in progress: no longer waiting for the region to come back');
    } else {
      ctx.progress.note(
        `Still restoring. If you kill aactl now, run: aactl drill restore --region ${options.region}`,
      );
    }
  });
  let report: DrillReport;
  try {
    report = await executeDrill(drillCtx, preflight, {
      drillId,
      target: options.region,
      method: options.method,
      holdMs: options.hold,
      pollMs: options.poll,
      observeTimeoutMs: options.observeTimeout,
      restoreTimeoutMs: options.restoreTimeout,
      signal: interrupt.signal,
      restoreSignal: stopWaiting.signal,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
    });
  } finally {
    unsubscribe();
  }

  let written: string | null = reportFile;
  try {
    await ctx.deps.writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    written = null;
    ctx.progress.note(`Could not write ${reportFile}: ${(error as Error).message}`);
  }
  if (options.metric === true && report.outcome !== 'restore-failed') {
    try {
      await ctx.gateways.metrics.putDrillMetrics({
        appName: ctx.config.appName,
        region: report.region,
        method: report.method,
        ...(report.timings.dnsConvergenceSeconds !== undefined
          ? { failoverSeconds: report.timings.dnsConvergenceSeconds }
          : {}),
        ...(report.timings.detectionSeconds !== undefined
          ? { detectionSeconds: report.timings.detectionSeconds }
          : {}),
        ...(report.timings.restoreSeconds !== undefined
          ? { restoreSeconds: report.timings.restoreSeconds }
          : {}),
        timestamp: new Date(ctx.deps.clock.now()),
      });
    } catch (error) {
      ctx.progress.note(`Could not publish the metric: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  if (ctx.output.json) ctx.output.printJson({ report, reportFile: written });
  else ctx.output.line(renderDrillReport(report, written, ctx.output.palette));
  const code = exitCodeOf(report.outcome, report.interruptedBy);
  if (code !== ExitCode.Ok && report.error !== undefined) {
    ctx.output.errLine(`${ctx.output.errPalette.red('aactl:')} ${report.error}`);
  }
  return code;
}

/** Exit code of a finished drill. */
export function exitCodeOf(outcome: DrillOutcome, interruptedBy?: string): number {
  switch (outcome) {
    case 'passed':
      return ExitCode.Ok;
    case 'failed':
      return ExitCode.Failed;
    case 'restore-failed':
      return ExitCode.RestoreFailed;
    case 'interrupted':
      return interruptedBy === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
  }
}

function lockRefusal(locks: readonly LockFinding[]): string | undefined {
  const [first] = locks;
  if (first === undefined) return undefined;
  const where = first.region ?? first.healthCheckId;
  return first.liveness === 'running'
    ? `drill ${first.lock?.drillId ?? '?'} holds the lock on ${where} (${first.reason}); wait for it to finish`
    : `a drill left a lock on ${where} (${first.reason}); run aactl drill restore --region ${where} first`;
}

function describeLock(finding: LockFinding) {
  return {
    healthCheckId: finding.healthCheckId,
    region: finding.region ?? null,
    drillId: finding.lock?.drillId ?? null,
    liveness: finding.liveness,
    reason: finding.reason,
  };
}

function resolveReportFile(ctx: CommandContext, flag: string | undefined, drillId: string): string {
  const path = flag ?? join(REPORT_DIR, `${drillId}.json`);
  return isAbsolute(path) ? path : join(ctx.deps.cwd, path);
}

async function drillRestore(ctx: CommandContext, options: RestoreOptions): Promise<number> {
  if (options.region !== undefined) checkRegion(ctx, options.region);
  const drillCtx = drillContextOf(ctx);
  const step = ctx.progress.start('Looking for drill locks');
  const index = await findHealthChecks(ctx.gateways.route53, ctx.config);
  const locks = findLocks(index, lockObserver(drillCtx)).filter(
    (finding) =>
      options.region === undefined || (finding.region ?? finding.lock?.region) === options.region,
  );
  step.succeed(`Found ${locks.length} drill lock${locks.length === 1 ? '' : 's'}`);

  const results: RestoreResultView[] = [];
  let exitCode: number = ExitCode.Ok;

  for (const finding of locks) {
    const region = finding.region ?? finding.lock?.region ?? finding.healthCheckId;
    if (finding.lock === undefined) {
      results.push({
        region,
        healthCheckId: finding.healthCheckId,
        restored: false,
        detail: `unreadable lock (${finding.reason}); check Inverted by hand, then remove tag ${TAG_DRILL_LOCK} from ${finding.healthCheckId}`,
      });
      exitCode = ExitCode.RestoreFailed;
      continue;
    }
    if (finding.liveness === 'running' && options.force !== true) {
      results.push({
        region,
        healthCheckId: finding.healthCheckId,
        restored: false,
        detail: `drill ${finding.lock.drillId} still runs (${finding.reason}); wait, or pass --force if its process is gone`,
      });
      if (exitCode === ExitCode.Ok) exitCode = ExitCode.LockHeld;
      continue;
    }
    const undoStep = ctx.progress.start(
      finding.lock.method === 'invert'
        ? `Restoring Inverted=${finding.lock.originalInverted} on ${finding.healthCheckId} (${region})`
        : `Clearing the drain flag of ${region}`,
    );
    const undone = await undoAction(drillCtx, {
      method: finding.lock.method,
      region: finding.lock.region,
      healthCheckId: finding.healthCheckId,
      originalInverted: finding.lock.originalInverted,
    });
    if (!undone.verified) {
      undoStep.fail(`Could not restore ${region}: ${undone.error ?? 'unknown error'}`);
      results.push({
        region,
        healthCheckId: finding.healthCheckId,
        drillId: finding.lock.drillId,
        restored: false,
        detail: `restore not verified (${undone.error ?? 'unknown error'}); lock kept`,
      });
      exitCode = ExitCode.RestoreFailed;
      continue;
    }
    await ctx.gateways.route53.removeTag(finding.healthCheckId, TAG_DRILL_LOCK);
    undoStep.succeed(`Restored ${region} and removed lock ${finding.lock.drillId}`);
    results.push({
      region,
      healthCheckId: finding.healthCheckId,
      drillId: finding.lock.drillId,
      restored: true,
      detail: `${finding.lock.method} undone and verified; lock removed`,
    });
  }

  // A drain flag set by a drill whose lock is gone (e.g. removed by hand): clear it too.
  if (options.region !== undefined && !locks.some((finding) => finding.lock?.method === 'drain')) {
    const flag = await ctx.gateways.drain.getDrain(options.region).catch(() => undefined);
    if (flag?.drillId !== undefined) {
      const undone = await undoAction(drillCtx, {
        method: 'drain',
        region: options.region,
        healthCheckId: index.byRegion.get(options.region)?.id ?? '',
        originalInverted: false,
      });
      results.push({
        region: options.region,
        healthCheckId: index.byRegion.get(options.region)?.id ?? '',
        drillId: flag.drillId,
        restored: undone.verified,
        detail: undone.verified
          ? 'drain flag left by a drill cleared'
          : `could not clear the drain flag (${undone.error ?? 'unknown error'})`,
      });
      if (!undone.verified) exitCode = ExitCode.RestoreFailed;
    }
  }

  const restoredRegions = results
    .filter((result) => result.restored)
    .map((result) => result.region);
  const health = await readRegionHealth(
    ctx.gateways.route53,
    restoredRegions.filter((region) => index.byRegion.has(region)),
    index,
  );
  if (ctx.output.json) {
    ctx.output.printJson({
      restored: results,
      health: health.map((row) => ({ region: row.region, state: row.reading.state })),
      checkedAt: isoSeconds(new Date(ctx.deps.clock.now())),
    });
  } else if (results.length === 0) {
    ctx.output.line(
      `No drill lock found${options.region ? ` for ${options.region}` : ''}: nothing to restore.`,
    );
  } else {
    for (const result of results) {
      const mark = result.restored ? ctx.output.palette.green('✔') : ctx.output.palette.red('✖');
      ctx.output.line(`${mark} ${result.region}: ${result.detail}`);
    }
    for (const row of health) {
      ctx.output.line(
        `  ${row.region} is ${paintState(row.reading.state, ctx.output.palette)} now (Route 53 may take a few health-check intervals to agree)`,
      );
    }
  }
  if (exitCode !== ExitCode.Ok) {
    const failed = results.find((result) => !result.restored);
    ctx.output.errLine(`aactl: ${failed?.region ?? ''}: ${failed?.detail ?? 'restore failed'}`);
  }
  return exitCode;
}

interface RestoreResultView {
  readonly region: string;
  readonly healthCheckId: string;
  readonly drillId?: string;
  readonly restored: boolean;
  readonly detail: string;
}
