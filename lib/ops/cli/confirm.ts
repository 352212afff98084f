import { createInterface } from 'node:readline';
import { worstCaseMs } from '../drill/options';
import type { DrillSettings } from '../drill/plan-file';
import type { DrillPreflight } from '../drill/preflight';
import { formatDuration } from '../duration';
import type { CommandContext, InputStream } from './context';
import { CliError, ExitCode, usageError } from './exit-codes';
import type { OutputStream } from './output';

/**
 * The confirmation before a drill acts: the operator types the region's name (as a cloud console
 * asks for a resource's name before deleting it), so a region picked from shell history or a
 * paste is read once more by a person.
 */

/** Ask on `output` and read one line from `input`; resolves to the trimmed answer (`''` at EOF). */
export function ask(input: InputStream, output: OutputStream, question: string): Promise<string> {
  return new Promise((resolve) => {
    const reader = createInterface({ input, terminal: false });
    let answered = false;
    output.write(question);
    reader.once('line', (line) => {
      answered = true;
      reader.close();
      resolve(line.trim());
    });
    reader.once('close', () => {
      if (!answered) resolve('');
    });
  });
}

/** Whether the operator typed `expected` (exactly, surrounding spaces ignored). */
export async function confirmByTyping(
  input: InputStream,
  output: OutputStream,
  expected: string,
): Promise<{ confirmed: boolean; typed: string }> {
  const typed = await ask(input, output, `Type the region name (${expected}) to go on: `);
  return { confirmed: typed === expected, typed };
}

/** Show what is about to happen and have the operator type the region name. */
export async function confirmDrill(
  ctx: CommandContext,
  preflight: DrillPreflight,
  settings: DrillSettings,
  document: Readonly<Record<string, unknown>>,
): Promise<void> {
  if (ctx.deps.stdin.isTTY !== true) {
    throw usageError(
      `--execute asks to type the region name, but there is no terminal to ask on; pass --yes to go on without asking (CI)`,
    );
  }
  const { plan } = preflight;
  const check = preflight.targetCheck;
  const servedAfter = plan.matrix.filter((row) => row.servesAfter).map((row) => row.region);
  const method =
    settings.method === 'invert'
      ? `invert: UpdateHealthCheck ${check?.id ?? '?'} Inverted=${!(check?.inverted ?? false)}`
      : `drain: drain flag in ${ctx.config.tableName}, replica ${settings.target} (/health answers 503)`;
  const stops = [
    `fewer than ${plan.minHealthyRegions} other region(s) healthy`,
    'a deploy of its stack',
    ...preflight.stopAlarms.map((ref) => `${ref.name} (${ref.region}) in ALARM`),
  ];
  const lines = [
    '',
    `About to take ${ctx.output.errPalette.bold(settings.target)} out of DNS (${ctx.config.appName}, phase ${preflight.phase}):`,
    `  method      ${method}`,
    `  hold        ${formatDuration(settings.holdMs)} once DNS converged (poll ${formatDuration(settings.pollMs)})`,
    `  impact      DNS then answers with ${servedAfter.join(', ') || 'none'}; ${plan.healthyAfter} of ${plan.matrix.length} regions stay healthy (minimum ${plan.minHealthyRegions})${plan.failsOpenAfter ? ' - Route 53 FAILS OPEN' : ''}`,
    `  worst case  ${formatDuration(worstCaseMs(settings))} (observe ${formatDuration(settings.observeTimeoutMs)} + hold ${formatDuration(settings.holdMs)} + restore ${formatDuration(settings.restoreTimeoutMs)}); always restored`,
    `  stops if    ${stops.join('; ')}`,
    '',
  ];
  ctx.deps.stderr.write(`${lines.join('\n')}\n`);
  const answer = await confirmByTyping(ctx.deps.stdin, ctx.deps.stderr, settings.target);
  if (!answer.confirmed) {
    throw new CliError(
      `not confirmed: typed ${JSON.stringify(answer.typed)}, not ${settings.target}; nothing was changed`,
      ExitCode.Refused,
      document,
    );
  }
}
