import { InvalidArgumentError, Option, type Command } from 'commander';
import { dataStackName } from '../../../lambda/contract/naming';
import {
  DATA_DOMAINS,
  ROLLOUT_PHASES,
  type DataDomain,
  type RolloutPhase,
} from '../../../lambda/contract/rollout';
import { guardGateway } from '../call-guard';
import { describeAssumptions } from '../cost/describe';
import { estimateMonthlyCost } from '../cost/estimate';
import type { CostEstimate } from '../cost/lines';
import { readDeployedData } from '../rollout/deployed';
import { DEFAULT_THRESHOLDS, type GateThresholds } from '../rollout/gates';
import { createRolloutGateway, type RolloutGateway } from '../rollout/gateway';
import { planRollout, startFromConfig, type PlanStart } from '../rollout/plan';
import {
  describePhases,
  renderCostComparison,
  renderRolloutPlan,
  renderRolloutStatus,
} from '../rollout/render';
import { gatherRolloutStatus, pendingReadiness } from '../rollout/status';
import type { CommandContext, CommandGroup, CommandKit } from './context';
import {
  addTrafficOptions,
  deploymentOf,
  numberOption,
  priceTableOf,
  trafficOf,
  type TrafficOptions,
} from './cost-commands';
import { CliError, ExitCode, exitCodesHelp } from './exit-codes';
import { durationOption } from './options';

/** Exit codes of `aactl rollout` beyond the shared ones (kept as an alias of the shared table). */
export const RolloutExitCode = { GatesBlocked: ExitCode.GatesBlocked } as const;

const ROLLOUT_STATUS_EXIT_HELP = exitCodesHelp([
  [ExitCode.Ok, 'status read; --require-ready: the pending step is ready or nothing is pending'],
  [ExitCode.Failed, 'AWS error, or the deployed state could not be read'],
  [ExitCode.Usage, 'bad arguments or config'],
  [ExitCode.Refused, '--require-ready: the guard would refuse the pending step'],
  [
    ExitCode.GatesBlocked,
    '--require-ready: a gate of the pending step blocks (or has no data without --allow-missing-data)',
  ],
]);

const ROLLOUT_PLAN_EXIT_HELP = exitCodesHelp([
  [ExitCode.Ok, 'the plan is allowed'],
  [ExitCode.Failed, 'AWS error, or the deployed state could not be read'],
  [ExitCode.Usage, 'bad arguments or config'],
  [
    ExitCode.Refused,
    'refused: more than one phase (without --force) or one replica region too many, or an invalid target config',
  ],
]);

/** The gate window: whole minutes, 1m to 14d (CloudWatch periods are whole minutes). */
export function windowOption(value: string): number {
  const ms = durationOption(value);
  if (ms < 60_000 || ms > 14 * 24 * 60 * 60_000 || ms % 60_000 !== 0) {
    throw new InvalidArgumentError(
      `expected whole minutes between 1m and 14d (CloudWatch periods are whole minutes), got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

interface StatusOptions {
  readonly window: number;
  readonly maxLagMs: number;
  readonly maxConflictsPerMinute: number;
  readonly maxDivergent: number;
  readonly allowMissingData?: boolean;
  readonly requireReady?: boolean;
}

interface PlanOptions extends TrafficOptions {
  readonly to: RolloutPhase;
  readonly domain?: DataDomain[];
  readonly force?: boolean;
  readonly offline?: boolean;
}

/** Builds the gateway of a command run (tests pass a fake). */
export type RolloutGatewayFactory = (ctx: CommandContext) => RolloutGateway;

/** The AWS gateway, with the same endpoint override as every other command. */
export const awsRolloutGateway: RolloutGatewayFactory = (ctx) =>
  createRolloutGateway({
    endpointUrl: ctx.endpointUrl,
    env: ctx.deps.env,
    callTimeoutMs: ctx.global.callTimeoutMs,
  });

/** The gateway of a command run, every call bounded like the other gateways. */
function rolloutGatewayOf(ctx: CommandContext, makeGateway: RolloutGatewayFactory) {
  return guardGateway('rollout', makeGateway(ctx), ctx.callPolicy);
}

/** `aactl rollout status` and `aactl rollout plan`, on the given gateway. */
export function rolloutCommandGroup(
  makeGateway: RolloutGatewayFactory = awsRolloutGateway,
): CommandGroup {
  return (program: Command, kit: CommandKit) => registerRollout(program, kit, makeGateway);
}

/** The command group with the AWS gateway (registered in program.ts). */
export const registerRolloutCommands: CommandGroup = rolloutCommandGroup();

function registerRollout(program: Command, kit: CommandKit, makeGateway: RolloutGatewayFactory) {
  const rollout = program
    .command('rollout')
    .description(
      'Progressive rollout: deployed phase per region and domain, promotion gates, and the plan of the next step',
    );

  rollout
    .command('status')
    .description(
      'Per region and domain: the deployed phase, and the gates of the next step (replication lag p99, conflict rate, divergence, alarms) from CloudWatch',
    )
    .addOption(
      new Option('--window <duration>', 'how far back the gates look (whole minutes)')
        .argParser(windowOption)
        .default(windowOption('1h'), '1h'),
    )
    .addOption(
      new Option('--max-lag-ms <ms>', 'replication lag p99 limit')
        .argParser(numberOption(0, 3_600_000, 'milliseconds'))
        .default(DEFAULT_THRESHOLDS.maxLagP99Ms),
    )
    .addOption(
      new Option('--max-conflicts-per-minute <n>', 'conflict rate limit per region and domain')
        .argParser(numberOption(0, 1_000_000, 'a rate'))
        .default(DEFAULT_THRESHOLDS.maxConflictsPerMinute),
    )
    .addOption(
      new Option('--max-divergent <n>', 'divergent entities limit')
        .argParser(numberOption(0, 1_000_000, 'a count'))
        .default(DEFAULT_THRESHOLDS.maxDivergentEntities),
    )
    .option(
      '--allow-missing-data',
      'let gates without data pass (they still show "no data"); by default no data blocks',
    )
    .option(
      '--require-ready',
      'exit 6 unless every step the local config would deploy passes its gates (exit 3 if the guard would refuse it); for CI before cdk deploy',
    )
    .addHelpText('after', ROLLOUT_STATUS_EXIT_HELP)
    .action(
      kit.action<StatusOptions>(async (ctx, options) => {
        const thresholds: GateThresholds = {
          maxLagP99Ms: options.maxLagMs,
          maxConflictsPerMinute: options.maxConflictsPerMinute,
          maxDivergentEntities: options.maxDivergent,
        };
        const step = ctx.progress.start('Reading the deployed rollout, metrics and alarms');
        const report = await gatherRolloutStatus(
          { config: ctx.config, gateway: rolloutGatewayOf(ctx, makeGateway) },
          {
            windowMs: options.window,
            thresholds,
            allowMissingData: options.allowMissingData === true,
            now: new Date(ctx.deps.clock.now()),
          },
        );
        if ('error' in report.deployed) step.fail('Deployed rollout state not found');
        else step.succeed(`Read ${report.regions.length} regions`);
        if (ctx.output.json) ctx.output.printJson(report);
        else ctx.output.line(renderRolloutStatus(report, ctx.output.palette));

        if ('error' in report.deployed) {
          ctx.output.errLine(`aactl: ${report.deployed.error}`);
          return ExitCode.Failed;
        }
        if (options.requireReady !== true) return ExitCode.Ok;
        const readiness = pendingReadiness(report);
        if (readiness === undefined) return ExitCode.Ok;
        if (readiness.refused) {
          ctx.output.errLine(
            `aactl: the pending step is refused: ${readiness.blockers.join('; ')}`,
          );
          return ExitCode.Refused;
        }
        if (readiness.blockers.length > 0) {
          ctx.output.errLine(
            `aactl: the pending step is not ready: ${readiness.blockers.join('; ')}`,
          );
          return RolloutExitCode.GatesBlocked;
        }
        return ExitCode.Ok;
      }),
    );

  const plan = rollout
    .command('plan')
    .description(
      'What a deploy to <phase> would change (DNS records, write policy per region and domain) and its monthly cost, without deploying',
    )
    .addOption(
      new Option('--to <phase>', 'the phase to move to')
        .choices(ROLLOUT_PHASES)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--domain <domain...>',
        'move only these data domains (as overrides); by default the global phase moves',
      ).choices(DATA_DOMAINS),
    )
    .option('--force', 'plan a multi-step move (as -c activeActive.rollout.allowMultiStep=true)')
    .option('--offline', 'start from the local config instead of the deployed state (no AWS call)')
    .addHelpText('after', ROLLOUT_PLAN_EXIT_HELP);
  addTrafficOptions(plan).action(
    kit.action<PlanOptions>(async (ctx, options) => {
      const start =
        options.offline === true
          ? startFromConfig(ctx.config)
          : await deployedStart(ctx, makeGateway);
      const result = planRollout(ctx.config, start, {
        to: options.to,
        domains: options.domain ?? [],
        force: options.force === true,
      });
      const table = priceTableOf(ctx.config);
      const { traffic, assumptions } = trafficOf(options);
      const estimates: CostEstimate[] = [start.state, result.target.state].map((state) =>
        estimateMonthlyCost(
          traffic,
          deploymentOf(ctx.config, state.phase, state.regions.length, state.domains),
          table,
          assumptions,
        ),
      );
      const described = describeAssumptions(traffic, assumptions, table);
      if (ctx.output.json) {
        ctx.output.printJson({ plan: result, cost: { estimates, assumptions: described } });
      } else {
        ctx.output.line(renderRolloutPlan(result, ctx.output.palette));
        ctx.output.line('');
        ctx.output.line('Monthly cost, now and after the step:');
        ctx.output.line(
          renderCostComparison(estimates, described, ctx.output.palette, [
            `now: ${describePhases(start.state.phase, start.state.domains)}`,
            `after: ${describePhases(result.target.state.phase, result.target.state.domains)}`,
          ]),
        );
      }
      if (!result.allowed) {
        ctx.output.errLine(
          `aactl: refused: ${[...result.verdict.refusals, ...result.problems].join('; ')}`,
        );
        return ExitCode.Refused;
      }
      return ExitCode.Ok;
    }),
  );
}

async function deployedStart(
  ctx: CommandContext,
  makeGateway: RolloutGatewayFactory,
): Promise<PlanStart> {
  // A plan starts from the data stack's state; the region stacks are not needed.
  const data = await readDeployedData(rolloutGatewayOf(ctx, makeGateway), ctx.config);
  if (!('state' in data)) {
    throw new CliError(
      `${data.missing} (${dataStackName(ctx.config.appName)}); or plan from cdk.json with --offline`,
      ExitCode.Failed,
    );
  }
  return { source: 'deployed', state: data.state, limitedWriteClasses: data.limitedWriteClasses };
}
