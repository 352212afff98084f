import type { Command } from 'commander';
import { lockObserver } from '../drill/lock';
import { gatherStatus } from '../status-gather';
import type { CommandKit } from './context';
import { ExitCode, STATUS_EXIT_HELP } from './exit-codes';
import { renderStatus } from './render';

interface StatusCommandOptions {
  readonly dns: boolean;
  readonly drain: boolean;
}

/** `aactl status`. */
export function registerStatusCommands(program: Command, kit: CommandKit): void {
  program
    .command('status')
    .description(
      'Per region: health check, share of checkers healthy, inverted/disabled, drain flag, what DNS answers from there, drill locks; and the rollout phase',
    )
    .option('--no-dns', 'skip TestDNSAnswer from the vantage points')
    .option('--no-drain', 'skip reading the drain flags (DynamoDB)')
    .addHelpText('after', STATUS_EXIT_HELP)
    .action(
      kit.action<StatusCommandOptions>(async (ctx, options) => {
        const step = ctx.progress.start('Reading health checks, DNS answers and drill locks');
        const report = await gatherStatus(
          {
            config: ctx.config,
            gateways: ctx.gateways,
            observer: lockObserver(ctx.deps),
            ...(ctx.endpointUrl !== undefined ? { endpointUrl: ctx.endpointUrl } : {}),
          },
          { dns: options.dns, drain: options.drain },
        );
        const found = report.regions.filter((row) => row.healthCheckId !== null).length;
        if (found === 0) {
          step.fail('No health checks found');
          const where = ctx.endpointUrl ?? 'this AWS account';
          if (ctx.output.json) ctx.output.printJson(report);
          ctx.output.errLine(
            `aactl: no Route 53 health check tagged aa:app=${ctx.config.appName} in ${where}; deploy the app, or check appName in ${ctx.global.cdkJson} and --endpoint-url`,
          );
          return ExitCode.Failed;
        }
        step.succeed(`Read ${found} health check${found === 1 ? '' : 's'}`);
        if (ctx.output.json) ctx.output.printJson(report);
        else ctx.output.line(renderStatus(report, ctx.output.palette));
        if (report.needsAction.length > 0) {
          const count = report.needsAction.length;
          ctx.output.errLine(
            `aactl: ${count} item${count === 1 ? ' needs' : 's need'} action: ${report.needsAction[0]}${count > 1 ? ` (and ${count - 1} more above)` : ''}`,
          );
          return ExitCode.NeedsAction;
        }
        return ExitCode.Ok;
      }),
    );
}
