import { guardGateways, withDeadline } from '../call-guard';
import { drillRecordOf, operatorOf, recordDrill } from '../drill/history';
import type { DrillOutcome, DrillReport } from '../drill/report';
import { firstLineOf } from '../error-line';
import type { CommandContext } from './context';
import { ExitCode } from './exit-codes';
import { renderDrillReport } from './render';

/** After a drill: the report file, the metric (passed drills only), the shared history, output. */

/** Write the report, publish the metric (passed drills only), record the history, print. */
export async function finishDrill(
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
