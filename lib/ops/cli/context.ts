import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { loadConfigFromCdkJson } from '../../config/load';
import type { AppConfig } from '../../config/schema';
import {
  callDeadlineOf,
  DEFAULT_CALL_TIMEOUT_MS,
  guardGateways,
  type CallPolicy,
} from '../call-guard';
import type { OpsGateways } from '../live';
import type { Clock, Sleep, StepReporter } from '../progress';
import { checkedEndpointUrl, createAwsClientFactory, createAwsGateways } from './aws-clients';
import { usageError } from './exit-codes';
import { createOutput, PLAIN, type Output, type OutputStream } from './output';
import { createStepReporter } from './progress';

/**
 * What every command group gets: the outside world (`CliDeps`, injected by `bin/aactl.ts` or a
 * test) and, per command run, a `CommandContext` with config, output, progress and gateways.
 */

/** Signals the CLI reacts to during a drill. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** Subscribe to interrupts; returns the unsubscribe function. */
export type SignalSource = (handler: (signal: InterruptSignal) => void) => () => void;

/** Settings the gateways are built from. */
export interface GatewaySettings {
  readonly endpointUrl: string | undefined;
  readonly config: AppConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Longest wait for one AWS request (`--call-timeout`). */
  readonly callTimeoutMs: number;
}

/** The terminal the CLI may ask questions on (the confirmation prompt). */
export interface InputStream extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
}

/** The outside world of the CLI. Everything here is replaced by fakes in tests. */
export interface CliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: OutputStream & NodeJS.WritableStream;
  readonly stderr: OutputStream & NodeJS.WritableStream;
  readonly stdin: InputStream;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Timers for deadlines (AWS calls, the restore); tests pass fake ones. */
  readonly timer: Sleep;
  readonly identity: { readonly pid: number; readonly hostname: string };
  readonly pidAlive: (pid: number) => boolean;
  readonly signals: SignalSource;
  readonly makeGateways: (settings: GatewaySettings) => OpsGateways;
  readonly writeFile: (path: string, text: string) => Promise<void>;
  readonly readFile: (path: string) => Promise<string>;
  readonly version: string;
}

/** Global options, valid before or after any subcommand. */
export interface GlobalOptions {
  readonly cdkJson: string;
  readonly context: string[];
  readonly endpointUrl?: string;
  readonly json: boolean;
  readonly color: boolean;
  readonly quiet: boolean;
  /** Longest wait for one AWS request (`--call-timeout`). */
  readonly callTimeoutMs: number;
}

/** What a command's action works with. */
export interface CommandContext {
  readonly deps: CliDeps;
  readonly global: GlobalOptions;
  readonly config: AppConfig;
  readonly output: Output;
  readonly progress: StepReporter;
  /** The AWS gateways, every call bounded by `callPolicy`. */
  readonly gateways: OpsGateways;
  readonly endpointUrl: string | undefined;
  /** Deadline of every AWS call (no signal: drills add their own). */
  readonly callPolicy: CallPolicy;
}

/** The default gateways: AWS SDK clients honouring the endpoint override. */
export function defaultGateways(settings: GatewaySettings): OpsGateways {
  const factory = createAwsClientFactory({
    endpointUrl: settings.endpointUrl,
    env: settings.env,
    callTimeoutMs: settings.callTimeoutMs,
  });
  return createAwsGateways(factory, settings.config.tableName, settings.config.regions);
}

/** Output for a command, before config is loaded (also used to print errors). */
export function outputFor(deps: CliDeps, global: Partial<GlobalOptions>): Output {
  return createOutput({
    stdout: deps.stdout,
    stderr: deps.stderr,
    env: deps.env,
    json: global.json === true,
    color: global.color !== false,
  });
}

/** Read the global options of a command (from wherever they were given). */
export function globalOptionsOf(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<Partial<GlobalOptions> & { callTimeout?: number }>();
  return {
    cdkJson: all.cdkJson ?? 'cdk.json',
    context: all.context ?? [],
    ...(all.endpointUrl !== undefined ? { endpointUrl: all.endpointUrl } : {}),
    json: all.json === true,
    color: all.color !== false,
    quiet: all.quiet === true,
    callTimeoutMs: all.callTimeout ?? DEFAULT_CALL_TIMEOUT_MS,
  };
}

/** Parse `-c key=value` pairs into config overrides. */
export function contextOverrides(pairs: readonly string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw usageError(
        `-c expects key=value, got ${JSON.stringify(pair)}; e.g. -c activeActive.rollout.phase=read-local`,
      );
    }
    overrides[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return overrides;
}

/** Build the context of a command run: load config, set up output, progress and gateways. */
export function commandContext(deps: CliDeps, command: Command): CommandContext {
  const global = globalOptionsOf(command);
  const output = outputFor(deps, global);
  const path = isAbsolute(global.cdkJson) ? global.cdkJson : join(deps.cwd, global.cdkJson);
  const config = loadConfigFromCdkJson(path, contextOverrides(global.context));
  const endpointUrl = checkedEndpointUrl(global.endpointUrl, deps.env);
  const progress = createStepReporter({
    stream: deps.stderr,
    interactive: deps.stderr.isTTY === true && deps.env.CI === undefined,
    palette: output.errPalette,
    color: output.errPalette !== PLAIN,
    quiet: global.quiet,
    clock: deps.clock,
  });
  const callPolicy: CallPolicy = {
    timer: deps.timer,
    deadlineMs: callDeadlineOf(global.callTimeoutMs),
  };
  const gateways = guardGateways(
    deps.makeGateways({ endpointUrl, config, env: deps.env, callTimeoutMs: global.callTimeoutMs }),
    callPolicy,
  );
  return { deps, global, config, output, progress, gateways, endpointUrl, callPolicy };
}

/** Registers commands of one group on the program (status, drill; later rollout, cost ...). */
export type CommandGroup = (program: Command, kit: CommandKit) => void;

/** What a command group needs to define actions. */
export interface CommandKit {
  readonly deps: CliDeps;
  /**
   * Wrap an action: builds the context, runs the handler and records its exit code. Errors thrown
   * by the handler become one line on stderr and an exit code (see `describeError`).
   */
  action<O>(
    handler: (ctx: CommandContext, options: O, command: Command) => Promise<number>,
  ): (...args: unknown[]) => Promise<void>;
}
