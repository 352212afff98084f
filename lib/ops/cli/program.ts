import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CALL_TIMEOUT_MS } from '../call-guard';
import { resolveEndpointUrl } from './aws-clients';
import {
  commandContext,
  outputFor,
  globalOptionsOf,
  type CliDeps,
  type CommandGroup,
  type CommandKit,
} from './context';
import { registerCostCommands } from './cost-commands';
import { registerDrillCommands } from './drill-commands';
import { describeError } from './errors';
import { CliError, ExitCode, ROOT_EXIT_HELP } from './exit-codes';
import { boundedDurationOption } from './options';
import type { Output } from './output';
import { registerRolloutCommands } from './rollout-commands';
import { registerSandboxCommands } from './sandbox-commands';
import { registerStatusCommands } from './status-commands';
import { registerTenantCommands } from './tenant-commands';

/**
 * The `aactl` program. Global options and error handling live here; each command group lives in
 * its own module and is registered through `COMMAND_GROUPS` (add `registerRolloutCommands` etc.).
 */

/** Command groups, in help order. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  registerStatusCommands,
  registerDrillCommands,
  registerRolloutCommands,
  registerCostCommands,
  registerTenantCommands,
  registerSandboxCommands,
];

/** The outcome of a run, filled in by actions. */
interface RunState {
  exitCode: number;
  /** The running command's output, once its context is built (to keep `--json` one document). */
  output?: Output;
}

/** Build the program with every command group registered. */
export function buildProgram(
  deps: CliDeps,
  groups: readonly CommandGroup[] = COMMAND_GROUPS,
  state: RunState = { exitCode: ExitCode.Ok },
): Command {
  const program = new Command('aactl')
    .description(
      'On-call CLI for the multi-region active-active stack: region status and failover drills.',
    )
    .version(deps.version, '-V, --version')
    .option('--cdk-json <path>', 'cdk.json holding the activeActive config', 'cdk.json')
    .option(
      '-c, --context <key=value>',
      'override config like cdk -c (repeatable), e.g. -c activeActive.rollout.phase=read-local',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--endpoint-url <url>', 'AWS endpoint for a local emulator (env AACTL_ENDPOINT_URL)')
    .addOption(
      new Option(
        '--call-timeout <duration>',
        'longest wait for one AWS request, 100ms to 2m (connecting: at most 3s of it; up to 3 attempts)',
      )
        .argParser(boundedDurationOption({ min: '100ms', max: '2m' }))
        .default(DEFAULT_CALL_TIMEOUT_MS, '10s'),
    )
    .option('--json', 'print one JSON document on stdout (for CI)')
    .option('--no-color', 'no colours (also NO_COLOR; colours only ever on a TTY)')
    .addOption(new Option('-q, --quiet', 'no progress on stderr'))
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    .addHelpText('after', ROOT_EXIT_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void deps.stdout.write(text),
      // Commander writes usage errors (and help after a missing subcommand) here; runCli prints
      // one line with the fix instead.
      writeErr: () => undefined,
      outputError: () => undefined,
    });

  const kit: CommandKit = {
    deps,
    action:
      (handler) =>
      async (...args: unknown[]) => {
        const command = args[args.length - 1] as Command;
        const options = command.opts();
        const ctx = commandContext(deps, command);
        state.output = ctx.output;
        if (ctx.output.json && npmBannerOnStdout(deps.env)) {
          ctx.output.errLine(
            `aactl: warning: npm printed its script banner on stdout before this JSON; run npm run -s ${deps.env.npm_lifecycle_event} -- ... (or npx tsx bin/aactl.ts) so stdout is one JSON document`,
          );
        }
        state.exitCode = await handler(ctx, options as never, command);
      },
  };
  for (const register of groups) register(program, kit);
  return program;
}

/**
 * Whether aactl runs under `npm run` without `-s`: npm then prints a banner on stdout (which
 * aactl cannot take back), so `--json` output is not one document.
 */
export function npmBannerOnStdout(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.npm_lifecycle_event !== undefined && env.npm_config_loglevel !== 'silent';
}

/** Run `aactl` with arguments (without node and script); resolves to the exit code. */
export async function runCli(
  argv: readonly string[],
  deps: CliDeps,
  groups: readonly CommandGroup[] = COMMAND_GROUPS,
): Promise<number> {
  const state: RunState = { exitCode: ExitCode.Ok };
  const program = buildProgram(deps, groups, state);
  let active: Command = program;
  program.hook('preAction', (_root, actionCommand) => {
    active = actionCommand;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error, argv, deps, program);
    const global = globalOptionsOf(active);
    const output = state.output ?? outputFor(deps, global);
    const { message, exitCode } = describeError(error, {
      endpointUrl: resolveEndpointUrl(global.endpointUrl, deps.env),
    });
    output.errLine(`${output.errPalette.red('aactl:')} ${message}`);
    // One JSON document on stdout, always: a command that fails after printing keeps its document.
    if (global.json && !output.printedJson) {
      const partial = error instanceof CliError ? (error.json ?? {}) : {};
      output.printJson({ ...partial, error: { message, exitCode } });
    }
    return exitCode;
  }
}

/** Commander's help, version and usage errors: help exits 0, usage errors 2 with one line. */
function commanderExit(
  error: CommanderError,
  argv: readonly string[],
  deps: CliDeps,
  program: Command,
): number {
  // `aactl help [command]` shows help with exit code 0; a missing subcommand shows it with 1.
  if (
    error.code === 'commander.helpDisplayed' ||
    error.code === 'commander.version' ||
    (error.code === 'commander.help' && error.exitCode === 0)
  ) {
    return ExitCode.Ok;
  }
  const path = commandPathOf(program, argv);
  const helpHint = `run aactl ${path.length > 0 ? `${path.join(' ')} ` : ''}--help`;
  const text =
    error.code === 'commander.help'
      ? `missing command; ${helpHint}`
      : `${error.message
          .replace(/^error:\s*/, '')
          .replace(/\s*\n\s*/g, ' ')
          .replace(/\.$/, '')}; ${helpHint}`;
  deps.stderr.write(`aactl: ${text}\n`);
  return ExitCode.Usage;
}

/** The subcommand names at the start of argv that exist in the program, e.g. ['drill', 'fail']. */
function commandPathOf(program: Command, argv: readonly string[]): string[] {
  const path: string[] = [];
  let current = program;
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    const next = current.commands.find((command) => command.name() === arg);
    if (next === undefined) continue; // an option's value
    path.push(arg);
    current = next;
  }
  return path;
}
