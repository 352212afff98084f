import { DATA_DOMAINS, type DataDomain, type RolloutPhase } from '../../../lambda/contract/rollout';
import { formatTable, type Palette } from '../cli/output';
import type { CostEstimate } from '../cost/lines';
import type { GateResult } from './gates';
import type { RolloutPlan } from './plan';
import type { RolloutStatusReport } from './status';

/** Human renderings of rollout reports (pure string building; `--json` prints the reports). */

/** A gate as a table cell: value when measured, coloured by outcome. */
export function gateCell(result: GateResult, palette: Palette): string {
  if (result.status === 'no-data') return palette.yellow('no data');
  const value =
    result.value === null
      ? '?'
      : result.gate === 'replication-lag'
        ? `${Math.round(result.value)} ms`
        : result.gate === 'conflict-rate'
          ? `${Math.round(result.value * 100) / 100}`
          : `${result.value}`;
  return result.status === 'pass' ? palette.green(value) : palette.red(value);
}

/** The phases of a state in one line: the global phase and the domains that differ. */
export function describePhases(
  phase: RolloutPhase,
  domains: Readonly<Record<DataDomain, RolloutPhase>>,
): string {
  const overrides = DATA_DOMAINS.filter((domain) => domains[domain] !== phase).map(
    (domain) => `${domain} ${domains[domain]}`,
  );
  return overrides.length === 0 ? `phase ${phase}` : `phase ${phase} (${overrides.join(', ')})`;
}

/** `aactl rollout status` as text. */
export function renderRolloutStatus(report: RolloutStatusReport, palette: Palette): string {
  const t = report.thresholds;
  const lines: string[] = [];
  lines.push(
    `${palette.bold(report.appName)} rollout  window ${report.window.minutes} min to ${report.window.end}`,
  );
  lines.push(
    palette.dim(
      `gates: lag p99 <= ${t.maxLagP99Ms} ms, conflicts <= ${t.maxConflictsPerMinute}/min per domain, divergent <= ${t.maxDivergentEntities}, no alarm in ALARM${report.allowMissingData ? '; missing data allowed' : '; no data blocks'}`,
    ),
  );
  if ('error' in report.deployed) {
    lines.push(`Deployed: ${palette.red('unknown')} (${report.deployed.error})`);
  } else {
    lines.push(
      `Deployed: ${describePhases(report.deployed.phase, report.deployed.domains)}; regions ${report.deployed.regions.join(', ')}`,
    );
  }
  const verdict = report.pending.verdict;
  const moves = verdict?.moves ?? [];
  const pendingText =
    verdict === null
      ? describePhases(report.pending.phase, report.pending.domains)
      : moves.length === 0 && verdict.regionsAdded.length + verdict.regionsRemoved.length === 0
        ? 'same as deployed'
        : `${movesText(moves)}${
            verdict.regionsAdded.length > 0 ? ` +${verdict.regionsAdded.join(', +')}` : ''
          }${verdict.regionsRemoved.length > 0 ? ` -${verdict.regionsRemoved.join(', -')}` : ''} ${
            verdict.allowed
              ? palette.green('(a deploy may take this step)')
              : palette.red('(refused)')
          }`;
  lines.push(`Config:   ${pendingText}`);
  lines.push('');
  lines.push(
    formatTable(
      ['REGION', 'DOMAIN', 'PHASE', 'NEXT', 'LAG P99', 'CONFLICTS/MIN', 'DIVERGENT', 'ALARMS'],
      report.regions.flatMap((row) =>
        row.domains.map((entry, index) => [
          index === 0 ? (row.primary ? `${row.region} *` : row.region) : '',
          entry.domain,
          entry.phase ?? palette.red('?'),
          entry.next ?? '-',
          index === 0 ? gateCell(row.lag, palette) : '',
          gateCell(entry.conflicts, palette),
          index === 0 ? gateCell(row.divergence, palette) : '',
          index === 0 ? gateCell(row.alarms, palette) : '',
        ]),
      ),
      palette,
    ),
  );
  if (report.globalAlarms !== null) {
    lines.push(`Alarms in the global stack's region: ${gateCell(report.globalAlarms, palette)}`);
  }
  for (const row of report.regions) {
    if (row.policyError !== undefined) {
      lines.push(`${palette.yellow('⚠')} ${row.region}: ${row.policyError}`);
    }
  }
  lines.push('');
  lines.push('Next step (one phase per deploy):');
  if (report.promotions.length === 0) {
    lines.push('  unknown: the deployed rollout state could not be read');
  }
  // What blocks every step is listed once; each unit lists only what is its own.
  const open = report.promotions.filter((entry) => entry.to !== null);
  const shared = (open[0]?.blockers ?? []).filter(
    (blocker) => open.length > 1 && open.every((entry) => entry.blockers.includes(blocker)),
  );
  for (const entry of report.promotions) {
    const label = entry.unit === 'global' ? 'global phase' : entry.unit;
    if (entry.to === null) {
      lines.push(`  ${palette.dim('-')} ${label}: ${entry.from} (last phase)`);
      continue;
    }
    lines.push(
      `  ${entry.ready ? palette.green('✔') : palette.red('✖')} ${label}: ${entry.from} -> ${entry.to} ${entry.ready ? 'ready' : 'blocked'}`,
    );
    for (const blocker of entry.blockers.filter((candidate) => !shared.includes(candidate))) {
      lines.push(`      ${blocker}`);
    }
  }
  if (shared.length > 0) {
    lines.push('  Every step above waits for:');
    for (const blocker of shared) lines.push(`      ${blocker}`);
  }
  lines.push('   * primary');
  return lines.join('\n');
}

/** Moves in one line; domains that move with the global phase are not repeated. */
function movesText(
  moves: readonly { key: string; from: RolloutPhase; to: RolloutPhase }[],
): string {
  const global = moves.find((move) => move.key === 'rollout.phase');
  return moves
    .filter(
      (move) =>
        move === global ||
        global === undefined ||
        move.from !== global.from ||
        move.to !== global.to,
    )
    .map((move) => `${move.key} ${move.from} -> ${move.to}`)
    .join(', ');
}

/** `aactl rollout plan` as text (the cost part is rendered by `renderCostComparison`). */
export function renderRolloutPlan(plan: RolloutPlan, palette: Palette): string {
  const lines: string[] = [];
  const from = describePhases(plan.start.state.phase, plan.start.state.domains);
  const to = describePhases(plan.target.state.phase, plan.target.state.domains);
  lines.push(
    `${palette.bold('Plan')}: ${from} -> ${to}  (start: ${plan.start.source === 'deployed' ? 'the deployed state' : 'local config, --offline'}); nothing is deployed`,
  );
  if (plan.allowed) {
    lines.push(
      `${palette.green('✔')} a deploy may take this step${plan.verdict.forced.length > 0 ? palette.yellow(' (forced)') : ''}`,
    );
    for (const forced of plan.verdict.forced) lines.push(`  ${palette.yellow('⚠')} ${forced}`);
  } else {
    for (const refusal of [...plan.verdict.refusals, ...plan.problems]) {
      lines.push(`${palette.red('✖')} refused: ${refusal}`);
    }
  }
  for (const warning of plan.warnings) lines.push(`${palette.yellow('⚠')} ${warning}`);
  lines.push('');
  lines.push(
    `DNS: ${plan.dnsChanges.length} record${plan.dnsChanges.length === 1 ? '' : 's'} change, ${plan.dnsUnchanged} unchanged; no record changes routing policy`,
  );
  if (plan.dnsChanges.length > 0) {
    lines.push(
      formatTable(
        ['RECORD', 'STACK', 'NOW', 'AFTER'],
        plan.dnsChanges.map((change) => [
          `${change.name} ${change.type}`,
          change.owner,
          change.before,
          change.after,
        ]),
        palette,
      ),
    );
  }
  lines.push('');
  if (plan.writePolicyChanges.length === 0) {
    lines.push('Write policy: unchanged in every region');
  } else {
    lines.push('Write policy (WRITE_POLICY of each region):');
    lines.push(
      formatTable(
        ['REGION', 'DOMAIN', 'NOW', 'AFTER', 'WRITES NOW', 'WRITES AFTER'],
        plan.writePolicyChanges.map((change) => [
          change.region,
          change.domain,
          change.before,
          change.after,
          change.writesBefore,
          change.writesAfter,
        ]),
        palette,
      ),
    );
  }
  lines.push('');
  lines.push(`Deploy: ${plan.deployCommand}`);
  lines.push(
    palette.dim(
      'Before deploying, check the gates with aactl rollout status; see docs/rollout.md for what to watch.',
    ),
  );
  return lines.join('\n');
}

/** Estimates side by side, line by line, with the difference of the last two. */
export function renderCostComparison(
  estimates: readonly CostEstimate[],
  assumptions: readonly string[],
  palette: Palette,
  labels?: readonly string[],
): string {
  // Rows in the order of the estimate with the most lines (a multi-region one).
  const ids: string[] = [];
  const byLength = [...estimates].sort((a, b) => b.lines.length - a.lines.length);
  for (const estimate of byLength) {
    for (const entry of estimate.lines) if (!ids.includes(entry.id)) ids.push(entry.id);
  }
  const labelOf = (id: string) =>
    byLength.flatMap((estimate) => estimate.lines).find((entry) => entry.id === id)?.label ?? id;
  const usdOf = (estimate: CostEstimate, id: string) =>
    estimate.lines.find((entry) => entry.id === id)?.monthlyUsd ?? 0;
  const compare = estimates.length >= 2;
  const last = estimates[estimates.length - 1];
  const previous = estimates[estimates.length - 2];
  const delta = (id: string | 'total') => {
    if (!compare || last === undefined || previous === undefined) return [];
    const value =
      id === 'total' ? last.totalUsd - previous.totalUsd : usdOf(last, id) - usdOf(previous, id);
    return [Math.abs(value) < 0.005 ? '-' : `${value > 0 ? '+' : '-'}${money(Math.abs(value))}`];
  };
  const headers = [
    'MONTHLY (USD)',
    ...estimates.map(
      (estimate, index) =>
        labels?.[index] ??
        (estimate.scenario === 'single-region'
          ? 'single region'
          : `${estimate.scenario} (${estimate.regions} regions)`),
    ),
    ...(compare ? ['CHANGE'] : []),
  ];
  const rows = ids.map((id) => [
    labelOf(id),
    ...estimates.map((estimate) => money(usdOf(estimate, id))),
    ...delta(id),
  ]);
  rows.push([
    palette.bold('total'),
    ...estimates.map((estimate) => palette.bold(money(estimate.totalUsd))),
    ...delta('total'),
  ]);
  const lines = [formatTable(headers, rows, palette)];
  const multi = estimates.filter((estimate) => estimate.scenario !== 'single-region');
  if (multi.length > 0) {
    lines.push(
      palette.dim(
        `writes forwarded to their owner region: ${multi.map((estimate) => `${labels?.[estimates.indexOf(estimate)] ?? estimate.scenario} ${Math.round(estimate.forwardedShare * 1000) / 10}%`).join(', ')}`,
      ),
    );
  }
  lines.push('Assumptions:');
  for (const assumption of assumptions) lines.push(`  - ${assumption}`);
  return lines.join('\n');
}

/** `$1,234.56`. */
export function money(value: number): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
