import { listDrills, showDrill } from '../drill/history';
import type { DrillReport } from '../drill/report';
import type { CommandContext } from './context';
import { CliError, ExitCode } from './exit-codes';
import { formatTable } from './output';
import { renderDrillReport } from './render';

/** `aactl drill list` and `aactl drill show <id>`: the shared drill history. */

export async function drillList(ctx: CommandContext, limit: number): Promise<number> {
  const step = ctx.progress.start('Reading the shared drill history');
  const { region, drills } = await listDrills(ctx.gateways, ctx.config, limit);
  step.succeed(`Read ${drills.length} drill${drills.length === 1 ? '' : 's'} (replica ${region})`);
  if (ctx.output.json) {
    ctx.output.printJson({ readFrom: region, drills });
    return ExitCode.Ok;
  }
  if (drills.length === 0) {
    ctx.output.line(
      'No drill recorded yet: aactl drill fail --region <region> --execute runs one.',
    );
    return ExitCode.Ok;
  }
  const { palette } = ctx.output;
  ctx.output.line(
    formatTable(
      ['DRILL', 'REGION', 'METHOD', 'OUTCOME', 'FAILOVER S', 'RAN BY', 'STARTED'],
      drills.map((drill) => [
        drill.drillId,
        drill.region,
        drill.method,
        drill.outcome === 'passed'
          ? palette.green(drill.outcome)
          : drill.outcome === 'restore-failed'
            ? palette.red(drill.outcome)
            : palette.yellow(drill.outcome),
        drill.failoverSeconds === undefined ? '-' : `${drill.failoverSeconds}`,
        `${drill.ranBy.user}@${drill.ranBy.host}`,
        drill.startedAt.replace(/\.\d{3}Z$/, 'Z'),
      ]),
      palette,
    ),
  );
  return ExitCode.Ok;
}

export async function drillShow(ctx: CommandContext, drillId: string): Promise<number> {
  const { region, record } = await showDrill(ctx.gateways, ctx.config, drillId);
  if (record === undefined) {
    throw new CliError(
      `no drill ${drillId} in the shared history (replica ${region}); aactl drill list shows the ids`,
      ExitCode.Failed,
    );
  }
  if (ctx.output.json) {
    ctx.output.printJson({ readFrom: region, ...record });
    return ExitCode.Ok;
  }
  ctx.output.line(
    `Ran by ${record.ranBy.user}@${record.ranBy.host} (pid ${record.ranBy.pid}${record.ranBy.awsProfile !== undefined ? `, AWS profile ${record.ranBy.awsProfile}` : ''})`,
  );
  const report = record.report as DrillReport | null;
  if (report === null || typeof report !== 'object' || !('timings' in report)) {
    ctx.output.line(`${record.drillId}: ${record.region} ${record.outcome} (report unreadable)`);
  } else {
    ctx.output.line(renderDrillReport(report, null, ctx.output.palette));
  }
  return ExitCode.Ok;
}
