import { join } from 'node:path';
import { guardGateways, withDeadline } from '../call-guard';
import { drillRecordOf, operatorOf, recordDrill } from '../drill-history';
import { planFileOf, type DrillSettings } from '../drill-plan-file';
import type { DrillOutcome, DrillReport } from '../drill-report';
import {
  drillIdOf,
  executeDrill,
  preflightDrill,
  worstCaseMs,
  type DrillContext,
  type DrillPhase,
  type DrillPreflight,
} from '../drill-runner';
import { formatDuration } from '../duration';
import { firstLineOf } from '../error-line';
import type { LockFinding } from '../live';
import { isoSeconds } from '../lock';
import { vantagePointsFor } from '../vantage-points';
import { confirmByTyping } from './confirm';
import type { CommandContext, InterruptSignal } from './context';
import { CliError, ExitCode, usageError } from './exit-codes';
import { planSteps, renderDrillReport, renderPlan, type PlanMode } from './render';

/**
 * What `drill fail` and `drill run` share: preflight, refuse or confirm, execute with signals
 * handled, then the report file, the metric and the shared history.
 */

/** Where drill reports go unless `--report-file` says otherwise (git-ignored). */
export const REPORT_DIR = '.drills';

/** One drill to plan or carry out. */
export interface DrillRequest {
  readonly settings: DrillSettings;
  readonly execute: boolean;
  readonly yes: boolean;
  readonly reportFile?: string;
  readonly planOut?: string;
  /** Carrying out a plan file: the health check it was made for must still be the target's. */
  readonly fromPlan?: { readonly path: string; readonly healthCheckId: string };
}

/** The drill context of a command run. */
export function drillContextOf(ctx: CommandContext): DrillContext {
  return {
    config: ctx.config,
    gateways: ctx.gateways,
    clock: ctx.deps.clock,
    sleep: ctx.deps.sleep,
    timer: ctx.deps.timer,
    callDeadlineMs: ctx.callPolicy.deadlineMs,
    progress: ctx.progress,
    identity: ctx.deps.identity,
    pidAlive: ctx.deps.pidAlive,
    ...(ctx.endpointUrl !== undefined ? { endpointUrl: ctx.endpointUrl } : {}),
  };
}

/** Check a region against the config (exit 2 naming the configured ones). */
export function checkRegion(ctx: CommandContext, region: string): void {
  if (!ctx.config.regions.includes(region)) {
    throw usageError(
      `--region ${region} is not a configured region (${ctx.config.regions.join(', ')}); pick one of them`,
    );
  }
}

/** Plan, refuse, confirm, execute and report one drill; resolves to the exit code. */
export async function runDrill(ctx: CommandContext, request: DrillRequest): Promise<number> {
  const { settings } = request;
  const drillCtx = drillContextOf(ctx);
  const step = ctx.progress.start(
    `Preflight: reading live health of ${ctx.config.regions.join(', ')}`,
  );
  const preflight = await preflightDrill(drillCtx, settings.target, settings.method, {
    ...(settings.stopOnAlarms !== null ? { stopOnAlarms: settings.stopOnAlarms } : {}),
  });
  const summary = `${preflight.plan.healthyNow} healthy now, ${preflight.plan.healthyAfter} after (minimum ${preflight.plan.minHealthyRegions})`;
  const lockProblem = lockRefusal(preflight.locks);
  const planProblem = planFileRefusal(request, preflight);
  const refusals = [
    ...preflight.plan.refusals.map((refusal) => refusal.message),
    ...(planProblem !== undefined ? [planProblem] : []),
  ];
  if (refusals.length > 0 || lockProblem !== undefined) step.fail(`Preflight: refused; ${summary}`);
  else step.succeed(`Preflight: ${summary}`);

  const drillId = drillIdOf(ctx.deps.clock.now(), settings.target, ctx.deps.identity.pid);
  const reportFile = request.reportFile ?? join(ctx.deps.cwd, REPORT_DIR, `${drillId}.json`);
  const steps = planSteps(preflight.plan, {
    healthCheckId: preflight.targetCheck?.id,
    version: preflight.targetCheck?.version,
    inverted: preflight.targetCheck?.inverted,
    tableName: ctx.config.tableName,
    publicName: ctx.config.publicName,
    vantageRegions: vantagePointsFor(ctx.config.regions).vantages.map((vantage) => vantage.region),
    holdMs: settings.holdMs,
    pollMs: settings.pollMs,
    observeTimeoutMs: settings.observeTimeoutMs,
    restoreTimeoutMs: settings.restoreTimeoutMs,
    reportFile,
    metric: settings.metric,
    stopAlarms: preflight.stopAlarms.map((ref) => `${ref.name} (${ref.region})`),
  });
  const document = {
    dryRun: !request.execute,
    plan: preflight.plan,
    phase: preflight.phase,
    steps,
    warnings: preflight.warnings,
    locks: preflight.locks.map(describeLock),
    stopAlarms: preflight.stopAlarms,
  };
  const show = (mode: PlanMode) =>
    ctx.output.line(
      renderPlan(preflight.plan, steps, preflight.warnings, ctx.output.palette, mode),
    );

  if (lockProblem !== undefined || refusals.length > 0) {
    // With --json the refusal is part of the one document (runCli adds the error to it).
    if (!ctx.output.json) show(request.execute ? 'refused' : 'dry-run');
    if (lockProblem !== undefined) throw new CliError(lockProblem, ExitCode.LockHeld, document);
    throw new CliError(`refused: ${refusals.join('; ')}`, ExitCode.Refused, document);
  }
  if (request.planOut !== undefined) {
    const file = planFileOf({
      config: ctx.config,
      settings,
      plan: preflight.plan,
      healthCheckId: preflight.targetCheck?.id ?? '',
      now: new Date(ctx.deps.clock.now()),
      createdBy: operatorLabel(ctx),
    });
    await ctx.deps.writeFile(request.planOut, `${JSON.stringify(file, null, 2)}\n`);
    if (ctx.output.json) ctx.output.printJson({ ...document, planFile: request.planOut });
    else {
      show('plan-out');
      ctx.output.line('');
      ctx.output.line(
        `Plan written to ${request.planOut}; carry it out with: aactl drill run ${request.planOut}`,
      );
    }
    return ExitCode.Ok;
  }
  if (!request.execute) {
    if (ctx.output.json) ctx.output.printJson(document);
    else show('dry-run');
    return ExitCode.Ok;
  }

  if (!request.yes) await confirm(ctx, preflight, settings, document);
  return execute(ctx, drillCtx, preflight, { settings, drillId, reportFile });
}

/** Show what is about to happen and have the operator type the region name. */
async function confirm(
  ctx: CommandContext,
  preflight: DrillPreflight,
  settings: DrillSettings,
  document: Readonly<Record<string, unknown>>,
): Promise<void> {
  if (ctx.deps.stdin.isTTY !== true) {
    throw usageError(
      `--execute asks to type the region name, but there is no terminal to ask on; pass --yes to go on without asking (CI)`,
    );
  }
  const { plan } = preflight;
  const check = preflight.targetCheck;
  const servedAfter = plan.matrix.filter((row) => row.servesAfter).map((row) => row.region);
  const method =
    settings.method === 'invert'
      ? `invert: UpdateHealthCheck ${check?.id ?? '?'} Inverted=${!(check?.inverted ?? false)}`
      : `drain: drain flag in ${ctx.config.tableName}, replica ${settings.target} (/health answers 503)`;
  const stops = [
    `fewer than ${plan.minHealthyRegions} other region(s) healthy`,
    'a deploy of its stack',
    ...preflight.stopAlarms.map((ref) => `${ref.name} (${ref.region}) in ALARM`),
  ];
  const lines = [
    '',
    `About to take ${ctx.output.errPalette.bold(settings.target)} out of DNS (${ctx.config.appName}, phase ${preflight.phase}):`,
    `  method      ${method}`,
    `  hold        ${formatDuration(settings.holdMs)} once DNS converged (poll ${formatDuration(settings.pollMs)})`,
    `  impact      DNS then answers with ${servedAfter.join(', ') || 'none'}; ${plan.healthyAfter} of ${plan.matrix.length} regions stay healthy (minimum ${plan.minHealthyRegions})${plan.failsOpenAfter ? ' - Route 53 FAILS OPEN' : ''}`,
    `  worst case  ${formatDuration(worstCaseMs(settings))} (observe ${formatDuration(settings.observeTimeoutMs)} + hold ${formatDuration(settings.holdMs)} + restore ${formatDuration(settings.restoreTimeoutMs)}); always restored`,
    `  stops if    ${stops.join('; ')}`,
    '',
  ];
  ctx.deps.stderr.write(`${lines.join('\n')}\n`);
  const answer = await confirmByTyping(ctx.deps.stdin, ctx.deps.stderr, settings.target);
  if (!answer.confirmed) {
    throw new CliError(
      `not confirmed: typed ${JSON.stringify(answer.typed)}, not ${settings.target}; nothing was changed`,
      ExitCode.Refused,
      document,
    );
  }
}

async function execute(
  ctx: CommandContext,
  drillCtx: DrillContext,
  preflight: DrillPreflight,
  run: { settings: DrillSettings; drillId: string; reportFile: string },
): Promise<number> {
  const { settings, drillId, reportFile } = run;
  const target = settings.target;
  const interrupt = new AbortController();
  const stopWaiting = new AbortController();
  const giveUp = new AbortController();
  let phase: DrillPhase = 'preparing';
  let restoreDeadlineMs: number | undefined;
  let restoreWarned = false;
  const note = (text: string) => ctx.progress.note(text);
  // Each interrupt says what it does now, at once (the drill may be waiting on a call).
  const unsubscribe = ctx.deps.signals((signal: InterruptSignal) => {
    const key = signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM';
    if (phase === 'preparing' || phase === 'observing' || phase === 'holding') {
      if (!interrupt.signal.aborted) {
        interrupt.abort(signal);
        note(`Interrupted by ${signal}: restoring ${target} now`);
      }
    } else if (phase === 'restoring') {
      if (!restoreWarned) {
        restoreWarned = true;
        const until =
          restoreDeadlineMs !== undefined
            ? ` (retrying until ${isoSeconds(new Date(restoreDeadlineMs)).slice(11, 19)} UTC)`
            : '';
        note(
          `Still putting ${target} back${until}; ${key} again to stop retrying and get the aws commands to finish by hand`,
        );
      } else if (!giveUp.signal.aborted) {
        giveUp.abort(signal);
        note(`Giving up the restore of ${target}: the aws commands to finish it follow`);
      }
    } else if (phase === 'waiting') {
      if (!stopWaiting.signal.aborted) {
        stopWaiting.abort(signal);
        note(`${target} is put back; no longer waiting for it to be healthy and back in DNS`);
      }
    } else {
      note('Finishing: writing the report');
    }
  });
  let report: DrillReport;
  try {
    report = await executeDrill(drillCtx, preflight, {
      drillId,
      target,
      method: settings.method,
      holdMs: settings.holdMs,
      pollMs: settings.pollMs,
      observeTimeoutMs: settings.observeTimeoutMs,
      restoreTimeoutMs: settings.restoreTimeoutMs,
      signal: interrupt.signal,
      restoreSignal: stopWaiting.signal,
      giveUpSignal: giveUp.signal,
      onPhase: (next, deadline) => {
        phase = next;
        if (deadline !== undefined) restoreDeadlineMs = deadline;
      },
      ...(settings.reason !== undefined ? { reason: settings.reason } : {}),
    });
  } finally {
    unsubscribe();
  }
  return finish(ctx, report, { reportFile, metric: settings.metric });
}

/** Write the report, publish the metric (passed drills only), record the history, print. */
async function finish(
  ctx: CommandContext,
  report: DrillReport,
  options: { reportFile: string; metric: boolean },
): Promise<number> {
  let written: string | null = options.reportFile;
  try {
    await ctx.deps.writeFile(options.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    written = null;
    ctx.progress.note(`Could not write ${options.reportFile}: ${firstLineOf(error)}`);
  }
  let metric: { published: boolean; reason?: string } = { published: false, reason: 'not asked' };
  if (options.metric) {
    if (report.outcome !== 'passed') {
      metric = { published: false, reason: `the drill is ${report.outcome}` };
      ctx.progress.note(`Not publishing FailoverSeconds: the drill is ${report.outcome}`);
    } else {
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
        metric = { published: true };
      } catch (error) {
        metric = { published: false, reason: firstLineOf(error) };
        ctx.progress.note(`Could not publish the metric: ${firstLineOf(error)}`);
      }
    }
  }
  // What needs doing now goes out first: a failed restore's commands are not held up by the
  // history write below.
  const code = exitCodeOf(report.outcome, report.interruptedBy);
  if (code !== ExitCode.Ok) {
    const why = report.error ?? report.inconclusive ?? report.outcome;
    ctx.output.errLine(`${ctx.output.errPalette.red('aactl:')} ${why}`);
    for (const command of report.restore.manualCommands ?? []) ctx.output.errLine(`  ${command}`);
  }
  let history: { region: string } | { error: string };
  try {
    // One call deadline for the whole write, whichever replicas it tries.
    const region = await withDeadline(ctx.deps.timer, ctx.callPolicy.deadlineMs, (signal) =>
      recordDrill(
        guardGateways(ctx.gateways, { ...ctx.callPolicy, signal }),
        ctx.config,
        drillRecordOf(report, operatorOf(ctx.deps.env, ctx.deps.identity)),
      ),
    );
    history = { region };
  } catch (error) {
    history = { error: firstLineOf(error) };
    ctx.progress.note(
      `Could not write the shared drill history (${firstLineOf(error)}); the report is only in ${written ?? 'this output'}`,
    );
  }

  if (ctx.output.json) ctx.output.printJson({ report, reportFile: written, metric, history });
  else ctx.output.line(renderDrillReport(report, written, ctx.output.palette));
  return code;
}

/** Exit code of a finished drill. */
export function exitCodeOf(outcome: DrillOutcome, interruptedBy?: string): number {
  switch (outcome) {
    case 'passed':
      return ExitCode.Ok;
    case 'failed':
    case 'stopped':
      return ExitCode.Failed;
    case 'inconclusive':
      return ExitCode.Inconclusive;
    case 'restore-failed':
      return ExitCode.RestoreFailed;
    case 'interrupted':
      return interruptedBy === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
  }
}

function planFileRefusal(request: DrillRequest, preflight: DrillPreflight): string | undefined {
  const planned = request.fromPlan;
  const now = preflight.targetCheck?.id;
  if (planned === undefined || now === undefined || now === planned.healthCheckId) return undefined;
  return `the plan ${planned.path} was made for health check ${planned.healthCheckId}, but ${request.settings.target} now has ${now}; make a new plan`;
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

function operatorLabel(ctx: CommandContext): string {
  const operator = operatorOf(ctx.deps.env, ctx.deps.identity);
  return `${operator.user}@${operator.host}`;
}
