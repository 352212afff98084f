import { isAbsolute, join } from 'node:path';
import { Option, type Command } from 'commander';
import { DRILL_METHODS, type DrillMethod } from '../drill/method';
import { parsePlanFile, type DrillSettings } from '../drill/plan-file';
import { formatDuration } from '../duration';
import type { CommandContext, CommandKit } from './context';
import { numberOption } from './cost-commands';
import { drillList, drillShow } from './drill-history-commands';
import { drillRestore } from './drill-restore-command';
import { checkRegion, REPORT_DIR, runDrill } from './drill-run';
import { DRILL_EXIT_HELP, HISTORY_EXIT_HELP, RESTORE_EXIT_HELP, usageError } from './exit-codes';
import { boundedDurationOption, durationFlag, type DurationBounds } from './options';

/** Limits of the drill's durations: long enough to measure, short enough to be a drill. */
export const DRILL_BOUNDS = {
  hold: { min: '0s', max: '6h' },
  poll: { min: '100ms', max: '1m' },
  observeTimeout: { min: '10s', max: '1h' },
  restoreTimeout: { min: '30s', max: '1h' },
} as const satisfies Record<string, DurationBounds>;

/** `--stop-on-alarm none`: no alarm stop conditions. */
const NO_ALARMS = 'none';

interface FailOptions {
  readonly region: string;
  readonly method: DrillMethod;
  readonly hold: number;
  readonly poll: number;
  readonly observeTimeout: number;
  readonly restoreTimeout: number;
  readonly execute?: boolean;
  readonly yes?: boolean;
  readonly reportFile?: string;
  readonly planOut?: string;
  readonly metric?: boolean;
  readonly reason?: string;
  readonly stopOnAlarm?: string[];
}

interface RunOptions {
  readonly yes?: boolean;
  readonly reportFile?: string;
}

interface RestoreOptions {
  readonly region?: string;
  readonly force?: boolean;
  readonly timeout: number;
}

interface ListOptions {
  readonly limit: number;
}

/** `aactl drill fail|run|restore|list|show`. */
export function registerDrillCommands(program: Command, kit: CommandKit): void {
  const drill = program
    .command('drill')
    .description('Failover drills: take one region out of DNS, measure, and always restore');

  drill
    .command('fail')
    .description(
      'Take a region out (dry run unless --execute): preflight from live health, confirm, lock, act, observe detection and DNS convergence, hold, restore, report',
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
    .option('-y, --yes', 'with --execute: do not ask to type the region name (for CI)')
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
        "the restore's deadline: undo (retried), unlock, and the region healthy and back in DNS",
        '5m',
        DRILL_BOUNDS.restoreTimeout,
      ),
    )
    .option(
      '--stop-on-alarm <name>',
      `end the drill and restore when this CloudWatch alarm goes to ALARM (repeatable; default: the app's api-5xx and api-latency-p99 alarms of the regions that stay in; "${NO_ALARMS}" for none)`,
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--report-file <path>',
      `where to write the JSON report (default ${REPORT_DIR}/<drill id>.json)`,
    )
    .option('--plan-out <path>', 'write the plan to a file for aactl drill run (no --execute)')
    .option(
      '--metric',
      'publish CloudWatch metric FailoverSeconds (namespace ActiveActive/Drills) when the drill passed',
    )
    .option('--reason <text>', 'reason stored with the drain flag')
    .addHelpText('after', DRILL_EXIT_HELP)
    .action(kit.action<FailOptions>((ctx, options) => drillFail(ctx, options)));

  drill
    .command('run')
    .description(
      'Carry out exactly the plan written by drill fail --plan-out, after checking the preflight again',
    )
    .argument('<plan>', 'the plan file')
    .option('-y, --yes', 'do not ask to type the region name (for CI)')
    .option(
      '--report-file <path>',
      `where to write the JSON report (default ${REPORT_DIR}/<drill id>.json)`,
    )
    .addHelpText('after', DRILL_EXIT_HELP)
    .action(
      kit.action<RunOptions>((ctx, options, command) =>
        drillRunPlan(ctx, String(command.args[0]), options),
      ),
    );

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
    .addOption(
      durationFlag(
        '--timeout <duration>',
        'deadline of each restore (retried until then)',
        '2m',
        DRILL_BOUNDS.restoreTimeout,
      ),
    )
    .addHelpText('after', RESTORE_EXIT_HELP)
    .action(kit.action<RestoreOptions>((ctx, options) => drillRestore(ctx, options)));

  drill
    .command('list')
    .description('The shared drill history: the newest drills of the whole team, who ran them')
    .addOption(
      new Option('--limit <count>', 'how many drills')
        .argParser(numberOption(1, 1000, 'a count'))
        .default(20),
    )
    .addHelpText('after', HISTORY_EXIT_HELP)
    .action(kit.action<ListOptions>((ctx, options) => drillList(ctx, options.limit)));

  drill
    .command('show')
    .description('One drill of the shared history: its full report and who ran it')
    .argument('<id>', 'drill id (from aactl drill list)')
    .addHelpText('after', HISTORY_EXIT_HELP)
    .action(
      kit.action<Record<string, never>>((ctx, _options, command) =>
        drillShow(ctx, String(command.args[0])),
      ),
    );
}

async function drillFail(ctx: CommandContext, options: FailOptions): Promise<number> {
  checkRegion(ctx, options.region);
  if (options.poll > options.observeTimeout) {
    throw usageError(
      `--poll ${formatDuration(options.poll)} is longer than --observe-timeout ${formatDuration(options.observeTimeout)}; poll more often or wait longer`,
    );
  }
  if (options.planOut !== undefined && options.execute === true) {
    throw usageError(
      '--plan-out writes a plan without acting; drop --execute, then carry it out with aactl drill run <plan>',
    );
  }
  const alarms = options.stopOnAlarm;
  if (alarms !== undefined && alarms.includes(NO_ALARMS) && alarms.length > 1) {
    throw usageError(
      `--stop-on-alarm ${NO_ALARMS} cannot be combined with alarm names; pass either`,
    );
  }
  const settings: DrillSettings = {
    target: options.region,
    method: options.method,
    holdMs: options.hold,
    pollMs: options.poll,
    observeTimeoutMs: options.observeTimeout,
    restoreTimeoutMs: options.restoreTimeout,
    metric: options.metric === true,
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
    stopOnAlarms:
      alarms === undefined ? null : alarms.includes(NO_ALARMS) ? [] : [...new Set(alarms)],
  };
  return runDrill(ctx, {
    settings,
    execute: options.execute === true,
    yes: options.yes === true,
    ...(options.reportFile !== undefined
      ? { reportFile: resolvePath(ctx, options.reportFile) }
      : {}),
    ...(options.planOut !== undefined ? { planOut: resolvePath(ctx, options.planOut) } : {}),
  });
}

async function drillRunPlan(
  ctx: CommandContext,
  path: string,
  options: RunOptions,
): Promise<number> {
  const file = resolvePath(ctx, path);
  let text: string;
  try {
    text = await ctx.deps.readFile(file);
  } catch (error) {
    throw usageError(
      `cannot read the plan ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); make one with aactl drill fail --plan-out ${path}`,
    );
  }
  const parsed = parsePlanFile(text, ctx.config, new Date(ctx.deps.clock.now()));
  if (!parsed.ok) throw usageError(`the plan ${file} ${parsed.error}`);
  const { settings } = parsed.plan;
  checkRegion(ctx, settings.target);
  const bounds: [number, DurationBounds, string][] = [
    [settings.holdMs, DRILL_BOUNDS.hold, 'hold'],
    [settings.pollMs, DRILL_BOUNDS.poll, 'poll'],
    [settings.observeTimeoutMs, DRILL_BOUNDS.observeTimeout, 'observe timeout'],
    [settings.restoreTimeoutMs, DRILL_BOUNDS.restoreTimeout, 'restore timeout'],
  ];
  for (const [value, limit, name] of bounds) {
    try {
      boundedDurationOption(limit)(`${value}ms`);
    } catch {
      throw usageError(
        `the plan ${file} has a ${name} of ${formatDuration(value)}, outside ${limit.min} to ${limit.max}; make a new plan`,
      );
    }
  }
  return runDrill(ctx, {
    settings,
    execute: true,
    yes: options.yes === true,
    ...(options.reportFile !== undefined
      ? { reportFile: resolvePath(ctx, options.reportFile) }
      : {}),
    fromPlan: { path: file, healthCheckId: parsed.plan.healthCheckId },
  });
}

/** A path relative to the working directory. */
export function resolvePath(ctx: CommandContext, path: string): string {
  return isAbsolute(path) ? path : join(ctx.deps.cwd, path);
}
