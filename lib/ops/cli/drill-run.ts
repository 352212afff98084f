import { join } from 'node:path';
import { drillIdOf, type DrillContext } from '../drill/context';
import { operatorOf } from '../drill/history';
import type { DrillPhase } from '../drill/options';
import { planFileOf, type DrillSettings } from '../drill/plan-file';
import { preflightDrill, type DrillPreflight } from '../drill/preflight';
import type { DrillReport } from '../drill/report';
import { executeDrill } from '../drill/run';
import { isoSeconds } from '../duration';
import type { LockFinding } from '../live';
import { vantagePointsFor } from '../vantage-points';
import { confirmDrill } from './confirm';
import type { CommandContext, InterruptSignal } from './context';
import { finishDrill } from './drill-finish';
import { CliError, ExitCode, usageError } from './exit-codes';
import { planSteps, renderPlan, type PlanMode } from './render';

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

  if (!request.yes) await confirmDrill(ctx, preflight, settings, document);
  return execute(ctx, drillCtx, preflight, { settings, drillId, reportFile });
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
  return finishDrill(ctx, report, { reportFile, metric: settings.metric });
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
