import type { Command } from 'commander';
import { formatDuration } from '../duration';
import type { TenantsGateway } from '../gateways/tenants';
import { confirmByTyping } from './confirm';
import type { CommandContext, CommandKit } from './context';
import { CliError, ExitCode, exitCodesHelp, usageError } from './exit-codes';

interface TakeoverOptions {
  readonly tenant: string;
  readonly to: string;
  readonly execute?: boolean;
  readonly yes?: boolean;
}

/** The tenants gateway, or a clear error where it is not available. */
function tenantsOf(ctx: CommandContext): TenantsGateway {
  const tenants = ctx.gateways.tenants;
  if (tenants === undefined) {
    throw new CliError('tenant ownership is not reachable with these gateways', ExitCode.Failed);
  }
  return tenants;
}

/**
 * `aactl tenant takeover`: move a tenant to a new home when its home is lost (a regional outage),
 * without the lost home. Dry run by default; `--execute` asks to type the tenant id (or `--yes`).
 */
export async function tenantTakeover(
  ctx: CommandContext,
  options: TakeoverOptions,
): Promise<number> {
  if (!ctx.config.regions.includes(options.to)) {
    throw usageError(
      `--to must be one of the app's regions (${ctx.config.regions.join(', ')}), got ${JSON.stringify(options.to)}`,
    );
  }
  const tenants = tenantsOf(ctx);
  const defaultHome = ctx.config.dataRegion;
  const preview = await tenants.previewTakeover(options.tenant, options.to, defaultHome);
  const { plan } = preview;
  if (plan.kind !== 'taken-over') {
    const message =
      plan.kind === 'already-home'
        ? `tenant ${options.tenant} is already homed in ${options.to} (epoch ${plan.ownership.epoch}); nothing to do`
        : `tenant ${options.tenant} moved on (home ${plan.ownership.home}, epoch ${plan.ownership.epoch}); nothing to do`;
    if (ctx.output.json)
      ctx.output.printJson({
        tenant: options.tenant,
        result: plan.kind,
        ownership: plan.ownership,
      });
    else ctx.output.line(message);
    return ExitCode.Ok;
  }
  const lossWindow =
    preview.homeHeartbeatAgeMs === undefined
      ? `unknown: no heartbeat from ${plan.previous.home} has reached ${options.to}`
      : `writes ${plan.previous.home} acknowledged in about the last ${formatDuration(preview.homeHeartbeatAgeMs)} (its last heartbeat reached ${options.to} that long ago)`;
  const summary = [
    `Takeover of tenant ${options.tenant}: ${plan.previous.home} (epoch ${plan.previous.epoch}) -> ${options.to} (epoch ${plan.next.epoch})`,
    `  may be lost  ${lossWindow}: they come back when ${plan.previous.home} returns, money as reconciliation cases (GET /v1/reconciliation), mergeable types merged`,
    `  meanwhile    ${plan.previous.home}, if it still runs, keeps accepting owner-only writes of this tenant until the takeover reaches it; they surface the same way`,
  ];
  if (options.execute !== true) {
    if (ctx.output.json) {
      ctx.output.printJson({
        tenant: options.tenant,
        dryRun: true,
        from: plan.previous,
        to: plan.next,
        ...(preview.homeHeartbeatAgeMs === undefined
          ? {}
          : { homeHeartbeatAgeMs: preview.homeHeartbeatAgeMs }),
      });
    } else {
      ctx.output.line(
        [
          ...summary,
          'Dry run: nothing was changed. Run again with --execute to take the tenant over.',
        ].join('\n'),
      );
    }
    return ExitCode.Ok;
  }
  if (options.yes !== true) {
    if (ctx.deps.stdin.isTTY !== true) {
      throw usageError(
        '--execute asks to type the tenant id, but there is no terminal to ask on; pass --yes to go on without asking',
      );
    }
    ctx.deps.stderr.write(`\n${summary.join('\n')}\n\n`);
    const answer = await confirmByTyping(ctx.deps.stdin, ctx.deps.stderr, options.tenant);
    if (!answer.confirmed) {
      throw new CliError(
        `not confirmed: typed ${JSON.stringify(answer.typed)}, not ${options.tenant}; nothing was changed`,
        ExitCode.Refused,
      );
    }
  }
  const result = await tenants.takeOver(options.tenant, options.to, defaultHome);
  if (result.kind !== 'taken-over') {
    throw new CliError(
      `the takeover was refused: tenant ${options.tenant} is now homed in ${result.ownership.home} (epoch ${result.ownership.epoch}); check again with aactl tenant takeover --tenant ${options.tenant} --to ${options.to}`,
      ExitCode.Refused,
    );
  }
  if (ctx.output.json) {
    ctx.output.printJson({
      tenant: options.tenant,
      takenOver: true,
      from: result.previous,
      to: result.next,
    });
  } else {
    ctx.output.line(
      `Tenant ${options.tenant} is homed in ${options.to} from epoch ${result.next.epoch} (was ${result.previous.home}). Owner-only writes there may answer 503 handoff_pending while ${options.to} reads what other replicas hold; see docs/runbooks.md "Handoffs and takeovers".`,
    );
  }
  return ExitCode.Ok;
}

/** `aactl tenant ...`. */
export function registerTenantCommands(program: Command, kit: CommandKit): void {
  const tenant = program.command('tenant').description('Tenant ownership (on-call)');
  tenant
    .command('takeover')
    .description(
      "Take a tenant over into a new home when its home region is lost: writes the new home's ownership with the next epoch (operator credentials; the API has no route for it). Dry run unless --execute",
    )
    .requiredOption('--tenant <id>', 'the tenant to move')
    .requiredOption('--to <region>', 'the region to make its home')
    .option('--execute', 'take it over (asks to type the tenant id)')
    .option('--yes', 'with --execute: do not ask (CI)')
    .addHelpText(
      'after',
      exitCodesHelp([
        [ExitCode.Ok, 'dry run printed, or taken over, or nothing to do'],
        [ExitCode.Usage, 'bad arguments, or --execute without a terminal and without --yes'],
        [ExitCode.Refused, 'not confirmed, or the tenant moved on meanwhile'],
        [ExitCode.Failed, 'AWS could not be reached'],
      ]),
    )
    .action(kit.action<TakeoverOptions>((ctx, options) => tenantTakeover(ctx, options)));
}
