import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  ROLLOUT_PHASES,
  type DataDomain,
  type RolloutPhase,
} from '../../../lambda/contract/rollout';
import { resolveDomainPhases } from '../../../lambda/contract/rollout';
import type { AppConfig } from '../../config/schema';
import { DEFAULT_ASSUMPTIONS, type CostAssumptions } from '../cost/assumptions';
import { describeAssumptions } from '../cost/describe';
import { estimateMonthlyCost, estimateSingleRegion } from '../cost/estimate';
import type { Deployment, Traffic } from '../cost/inputs';
import type { CostEstimate } from '../cost/lines';
import { priceTableWith, type PriceTable } from '../cost/prices';
import { renderCostComparison } from '../rollout/render';
import { nextPhase } from '../rollout/status';
import type { CommandKit } from './context';
import { ExitCode, exitCodesHelp, usageError } from './exit-codes';

/** Traffic options shared by `aactl cost` and `aactl rollout plan`. */
export interface TrafficOptions {
  readonly reads: number;
  readonly writes: number;
  readonly itemKb: number;
  readonly storageGb: number;
  readonly homeAffinity: number;
}

interface CostOptions extends TrafficOptions {
  readonly phase?: RolloutPhase;
  readonly to?: RolloutPhase;
  readonly regions?: number;
}

/** A numeric option parser (commander turns its error into exit 2 with one line). */
export function numberOption(min: number, max: number, what: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max) {
      throw new InvalidArgumentError(
        `expected ${what} between ${min} and ${max}, got ${JSON.stringify(value)}`,
      );
    }
    return number;
  };
}

/** Add the traffic options to a command. */
export function addTrafficOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--reads <per-second>', 'client reads per second, all regions together')
        .argParser(numberOption(0, 10_000_000, 'reads per second'))
        .default(100),
    )
    .addOption(
      new Option('--writes <per-second>', 'client writes per second, all regions together')
        .argParser(numberOption(0, 10_000_000, 'writes per second'))
        .default(10),
    )
    .addOption(
      new Option('--item-kb <kb>', 'average item size in KB')
        .argParser(numberOption(0.001, 400, 'an item size in KB'))
        .default(1),
    )
    .addOption(
      new Option('--storage-gb <gb>', 'table size in GB (stored in every replica)')
        .argParser(numberOption(0, 1_000_000, 'a size in GB'))
        .default(10),
    )
    .addOption(
      new Option(
        '--home-affinity <share>',
        "share of writes that arrive in the tenant's home region once every region serves",
      )
        .argParser(numberOption(0, 1, 'a share'))
        .default(DEFAULT_ASSUMPTIONS.homeAffinity),
    );
}

/** Traffic and assumptions from the options. */
export function trafficOf(options: TrafficOptions): {
  traffic: Traffic;
  assumptions: CostAssumptions;
} {
  return {
    traffic: {
      readsPerSecond: options.reads,
      writesPerSecond: options.writes,
      itemKb: options.itemKb,
      storageGb: options.storageGb,
    },
    assumptions: { ...DEFAULT_ASSUMPTIONS, homeAffinity: options.homeAffinity },
  };
}

/** The price table of a config (its `pricing` overrides applied); a bad override is exit 2. */
export function priceTableOf(config: Pick<AppConfig, 'pricing'>): PriceTable {
  try {
    return priceTableWith(config.pricing);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/**
 * A deployment of `config` at a phase (domain overrides from config). Domains ahead of an
 * active-passive global phase need no clamping: the model forwards nothing in active-passive.
 */
export function deploymentOf(
  config: AppConfig,
  phase: RolloutPhase,
  regions: number = config.regions.length,
  domains: Readonly<Record<DataDomain, RolloutPhase>> = resolveDomainPhases(
    phase,
    config.rollout.domains,
  ),
): Deployment {
  return {
    regions,
    phase,
    domains,
    limitedWriteClasses: config.rollout.limitedWriteClasses,
    healthCheckIntervalSeconds: config.healthCheck.intervalSeconds,
    checkerRegions: config.healthCheck.checkerRegions.length,
  };
}

/** `aactl cost`. */
export function registerCostCommands(program: Command, kit: CommandKit): void {
  const command = program
    .command('cost')
    .description(
      'Estimate the monthly cost, line by line, of a single-region baseline, the current phase and the next one (public list prices, see lib/ops/cost/prices.ts)',
    )
    .addOption(new Option('--phase <phase>', 'the phase to start from').choices(ROLLOUT_PHASES))
    .addOption(new Option('--to <phase>', 'compare with this phase').choices(ROLLOUT_PHASES))
    .addOption(
      new Option('--regions <count>', 'number of regions to price').argParser(
        numberOption(2, 30, 'a number of regions'),
      ),
    )
    .addHelpText(
      'after',
      exitCodesHelp([
        [ExitCode.Ok, 'estimate printed'],
        [ExitCode.Usage, 'bad arguments or config'],
      ]),
    );
  addTrafficOptions(command).action(
    kit.action<CostOptions>(async (ctx, options) => {
      if (options.regions !== undefined && !Number.isInteger(options.regions)) {
        throw usageError(`--regions must be a whole number, got ${options.regions}`);
      }
      const table = priceTableOf(ctx.config);
      const { traffic, assumptions } = trafficOf(options);
      const from = options.phase ?? ctx.config.rollout.phase;
      const to = options.to ?? nextPhase(from) ?? from;
      const regions = options.regions ?? ctx.config.regions.length;
      const estimates: CostEstimate[] = [
        estimateSingleRegion(traffic, table, assumptions),
        estimateMonthlyCost(traffic, deploymentOf(ctx.config, from, regions), table, assumptions),
      ];
      if (to !== from) {
        estimates.push(
          estimateMonthlyCost(traffic, deploymentOf(ctx.config, to, regions), table, assumptions),
        );
      }
      const described = describeAssumptions(traffic, assumptions, table);
      if (ctx.output.json) {
        ctx.output.printJson({ estimates, assumptions: described, prices: table });
      } else {
        ctx.output.line(renderCostComparison(estimates, described, ctx.output.palette));
      }
      return ExitCode.Ok;
    }),
  );
}
