import { appendFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../duration';
import { runningEndpoints, sandboxControl, sandboxDown } from '../sandbox/control-client';
import type { SandboxStatus } from '../sandbox/controls';
import { queryDns } from '../sandbox/dns-server';
import { clientSubnetOf } from '../sandbox/geo';
import { SandboxRunningError, startSandbox, type Sandbox } from '../sandbox/sandbox';
import type { CommandContext, CommandKit } from './context';
import { ExitCode, exitCodesHelp, usageError } from './exit-codes';
import { renderSandboxStatus, renderSandboxUp } from './sandbox-render';

/**
 * `aactl sandbox ...`: the local sandbox (three regions on one machine, no AWS account). `up`
 * runs in the foreground until Ctrl-C or `aactl sandbox down`; the other commands act on the
 * running one through its endpoints.json.
 */

interface DirOption {
  readonly dir: string;
}

interface UpOptions extends DirOption {
  readonly scale: number;
  readonly port: number;
  readonly lag?: number;
}

const UP_EXIT_HELP = exitCodesHelp([
  [ExitCode.Ok, 'the sandbox ran and was stopped (Ctrl-C, SIGTERM or aactl sandbox down)'],
  [ExitCode.Failed, 'it could not start (the reason is printed; nothing is left running)'],
  [ExitCode.Usage, 'bad arguments or config'],
  [ExitCode.Refused, 'a sandbox is already running in that directory'],
]);

function scaleOption(value: string): number {
  const scale = Number(value);
  if (!(scale >= 0.01 && scale <= 10)) {
    throw new InvalidArgumentError(
      `expected a number from 0.01 to 10, got ${JSON.stringify(value)}`,
    );
  }
  return scale;
}

function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || (port !== 0 && (port < 1024 || port > 65_000))) {
    throw new InvalidArgumentError(
      `expected 0 (free ports) or a port 1024-65000, got ${JSON.stringify(value)}`,
    );
  }
  return port;
}

function durationMs(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new InvalidArgumentError(
      `expected a duration such as 250ms or 2s, got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

/** `+5000`, `+5s`, `-2s` (relative) or `0`, `30s` (absolute offset) in ms. */
export function clockArgument(value: string): { readonly ms: number; readonly relative: boolean } {
  const match = /^([+-]?)(.+)$/.exec(value.trim());
  const magnitude =
    match === null
      ? undefined
      : /^\d+$/.test(match[2] as string)
        ? Number(match[2])
        : parseDuration(match[2] as string);
  if (match === null || magnitude === undefined) {
    throw usageError(
      `clock expects an offset such as +5000, +5s, -2s or 0 (ms unless a unit is given), got ${JSON.stringify(value)}`,
    );
  }
  const sign = match[1] === '-' ? -1 : 1;
  return { ms: sign * magnitude, relative: match[1] !== '' };
}

function dirOf(ctx: CommandContext, options: DirOption): string {
  return isAbsolute(options.dir) ? options.dir : join(ctx.deps.cwd, options.dir);
}

/** Register `aactl sandbox`. */
export function registerSandboxCommands(program: Command, kit: CommandKit): void {
  const sandbox = program
    .command('sandbox')
    .description(
      'The local sandbox: every region of the app on this machine (no AWS account, no Docker)',
    );
  // every subcommand takes --dir, before or after its arguments
  const withDir = (command: Command) =>
    command.option(
      '--dir <path>',
      'the sandbox directory (state, logs, endpoints.json)',
      '.sandbox',
    );
  const dirOptions = (command: Command): DirOption => ({
    dir: String((command.opts() as Partial<DirOption>).dir ?? '.sandbox'),
  });

  withDir(sandbox.command('up'))
    .description(
      'Start the sandbox in the foreground (npm start); Ctrl-C or aactl sandbox down stops it',
    )
    .option(
      '--scale <factor>',
      'every interval (health checks, TTLs, heartbeats) times this, e.g. 0.1',
      scaleOption,
      1,
    )
    .option(
      '--port <port>',
      'first port: AWS endpoint, DNS next, regions from +10 (0: free ports)',
      portOption,
      4566,
    )
    .option('--lag <duration>', 'replication delay of every write (default 1s x scale)', durationMs)
    .addHelpText('after', UP_EXIT_HELP)
    .action(
      kit.action<UpOptions>((ctx, options, command) =>
        sandboxUp(ctx, { ...dirOptions(command), ...options }),
      ),
    );

  withDir(sandbox.command('down'))
    .description('Stop the running sandbox and every process it started (by pid)')
    .action(
      kit.action<DirOption>(async (ctx, _options, command) => {
        const dir = dirOf(ctx, dirOptions(command));
        const result = await sandboxDown(dir);
        if (ctx.output.json) ctx.output.printJson(result);
        else if (!result.wasRunning) ctx.output.line('no sandbox was running');
        else
          ctx.output.line(
            `sandbox stopped (${result.stopped} process${result.stopped === 1 ? '' : 'es'})`,
          );
        if (result.left.length > 0) {
          ctx.output.errLine(
            `aactl: processes ${result.left.join(', ')} did not stop; kill them by pid`,
          );
          return ExitCode.Failed;
        }
        return ExitCode.Ok;
      }),
    );

  withDir(sandbox.command('status'))
    .description('Regions (pid, health, isolation, clock), partitions, replication lag and backlog')
    .action(
      kit.action<DirOption>(async (ctx, _options, command) => {
        const status = (await sandboxControl(
          runningEndpoints(dirOf(ctx, dirOptions(command))),
          'status',
        )) as SandboxStatus;
        if (ctx.output.json) ctx.output.printJson(status);
        else ctx.output.line(renderSandboxStatus(status));
        return ExitCode.Ok;
      }),
    );

  const control = (
    name: string,
    description: string,
    args: string,
    input: (values: string[]) => Record<string, unknown>,
  ) =>
    withDir(sandbox.command(`${name} ${args}`.trim()))
      .description(description)
      .action(
        kit.action<DirOption>(async (ctx, _options, command) => {
          const endpoints = runningEndpoints(dirOf(ctx, dirOptions(command)));
          const result = await sandboxControl(endpoints, name, input(command.args));
          if (ctx.output.json) ctx.output.printJson(result);
          else if (name === 'clock') {
            const clock = result as { region: string; offsetMs: number };
            ctx.output.line(
              `${clock.region} clock is now ${clock.offsetMs >= 0 ? '+' : ''}${clock.offsetMs} ms from real time`,
            );
          } else ctx.output.line(renderSandboxStatus(result as SandboxStatus));
          return ExitCode.Ok;
        }),
      );
  control(
    'partition',
    'Cut replication and cross-region calls between two regions',
    '<a> <b>',
    ([a, b]) => ({ a, b }),
  );
  control(
    'heal',
    'Heal a partition (two regions), end an isolation (one region), or everything (none)',
    '[a] [b]',
    ([a, b]) => (b !== undefined ? { a, b } : a !== undefined ? { region: a } : {}),
  );
  control(
    'isolate',
    'Cut a region off from clients, health checkers, other regions and replication',
    '<region>',
    ([region]) => ({ region }),
  );
  control(
    'kill',
    "Kill a region's compute (its API and functions; its replica stays)",
    '<region>',
    ([region]) => ({ region }),
  );
  control('revive', "Start a killed region's compute again", '<region>', ([region]) => ({
    region,
  }));
  control(
    'lag',
    'Set the replication delay of every new write, e.g. 2s',
    '<duration>',
    ([value]) => ({ ms: durationMs(value ?? '') }),
  );
  control(
    'clock',
    "Move a region's clock: +5000 or +5s ahead, -2s back, 0 to reset",
    '<region> <offset>',
    ([region, offset]) => ({
      region,
      ...clockArgument(offset ?? ''),
    }),
  );

  withDir(sandbox.command('resolve <name>'))
    .description("Ask the sandbox's DNS server what a name resolves to, as a client near a region")
    .option(
      '--from <region>',
      "the client's region (its vantage subnet is sent as EDNS client subnet)",
    )
    .option('--type <type>', 'A or TXT', 'A')
    .action(
      kit.action<DirOption & { from?: string; type: string }>(async (ctx, options, command) => {
        const endpoints = runningEndpoints(dirOf(ctx, dirOptions(command)));
        const name = String(command.args[0]);
        const subnet = options.from === undefined ? undefined : clientSubnetOf(options.from);
        if (options.from !== undefined && subnet === undefined) {
          throw usageError(
            `--from ${options.from} is not a region with a vantage subnet; use a region such as eu-west-1`,
          );
        }
        const type = options.type.toUpperCase();
        if (type !== 'A' && type !== 'TXT')
          throw usageError(`--type must be A or TXT, got ${options.type}`);
        const answer = await queryDns({
          port: endpoints.dns.port,
          name,
          type,
          ...(subnet === undefined ? {} : { clientSubnet: subnet }),
        });
        const regionOf = (value: string) =>
          Object.entries(endpoints.regions).find(([, region]) => region.address === value)?.[0];
        if (ctx.output.json) {
          ctx.output.printJson({
            name,
            from: options.from ?? null,
            ...answer,
            regions: answer.answers.map((a) => regionOf(a.value) ?? null),
          });
        } else {
          ctx.output.line(`${name} from ${options.from ?? 'the default client'}: ${answer.rcode}`);
          for (const entry of answer.answers) {
            const region = regionOf(entry.value);
            ctx.output.line(
              `  ${entry.type} ${entry.value} ttl ${entry.ttl}s${region === undefined ? '' : `  -> ${region} ${endpoints.regions[region]?.url ?? ''}`}`,
            );
          }
        }
        return answer.rcode === 'NOERROR' ? ExitCode.Ok : ExitCode.Failed;
      }),
    );
}

async function sandboxUp(ctx: CommandContext, options: UpOptions & DirOption): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';
  const dir = dirOf(ctx, options);
  const context = Object.fromEntries(
    ctx.global.context.map((pair) => [
      pair.slice(0, pair.indexOf('=')),
      pair.slice(pair.indexOf('=') + 1),
    ]),
  );
  const step = ctx.progress.start(
    'Starting the sandbox: templates, bundles, DynamoDB Local, regions',
  );
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      root: ctx.deps.cwd,
      dir,
      cdkJson: isAbsolute(ctx.global.cdkJson)
        ? ctx.global.cdkJson
        : join(ctx.deps.cwd, ctx.global.cdkJson),
      context,
      scale: options.scale,
      port: options.port,
      ...(options.lag === undefined ? {} : { lagMs: options.lag }),
      // the hub's own lines (replication errors, dropped stream records) beside the regions' logs
      log: (line) =>
        appendFileSync(join(dir, 'logs', 'hub.log'), `${new Date().toISOString()} ${line}\n`),
    });
  } catch (error) {
    if (error instanceof SandboxRunningError) {
      step.fail('A sandbox is already running');
      ctx.output.errLine(`aactl: ${error.message}`);
      return ExitCode.Refused;
    }
    step.fail('The sandbox did not start');
    throw error;
  }
  step.succeed(`Sandbox up in ${(sandbox.startup.totalMs / 1000).toFixed(1)} s`);
  if (ctx.output.json)
    ctx.output.printJson({ endpoints: sandbox.endpoints, startup: sandbox.startup });
  else {
    ctx.output.line(
      renderSandboxUp(
        sandbox.endpoints,
        sandbox.startup,
        sandbox.config.rollout.phase,
        relative(ctx.deps.cwd, dir) || '.',
        // a drill needs a region DNS answers with: in active-passive only the primary
        sandbox.config.rollout.phase === 'active-passive'
          ? sandbox.config.primaryRegion
          : sandbox.config.secondaryRegions[0],
      ),
    );
  }
  const running = sandbox;
  let stopping = false;
  // Ctrl-C reaches every process of the terminal's group, and tsx relays it once more: a signal
  // while stopping must not kill the hub before it has stopped what it started (bounded: by pid,
  // SIGKILL after a grace period)
  const unsubscribe = ctx.deps.signals(() => {
    ctx.output.errLine(
      stopping ? 'still stopping the sandbox (by pid) ...' : 'stopping the sandbox ...',
    );
    stopping = true;
    void running.stop();
  });
  // `aactl sandbox down` (SIGTERM) and the control API's `down` end it as well
  await running.stopped;
  unsubscribe();
  ctx.output.errLine('sandbox stopped; nothing left running');
  return ExitCode.Ok;
}
