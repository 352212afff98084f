import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import type { DrillPlan } from '../drill/planner';
import type { DrillReport } from '../drill/report';
import { formatDuration } from '../duration';
import type { HealthState } from '../health';
import type { StatusReport } from '../status';
import { formatTable, type Palette } from './output';

/** Human renderings of reports (pure string building; `--json` prints the reports themselves). */

/** Colour a health state. */
export function paintState(state: HealthState, palette: Palette): string {
  if (state === 'healthy') return palette.green(state);
  if (state === 'unhealthy') return palette.red(state);
  return palette.yellow(state);
}

const yesNo = (value: boolean | null, palette: Palette, alarming = true): string =>
  value === null ? palette.dim('?') : value ? (alarming ? palette.yellow('yes') : 'yes') : 'no';

/** `aactl status` as text. */
export function renderStatus(report: StatusReport, palette: Palette): string {
  const lines: string[] = [];
  lines.push(
    `${palette.bold(report.appName)}  ${report.publicName}  phase ${palette.bold(report.rolloutPhase)} (${report.phaseSource === 'deployed' ? 'deployed' : 'cdk.json; deployed phase unknown'})  primary ${report.primaryRegion}`,
  );
  lines.push('');
  lines.push(
    formatTable(
      [
        'REGION',
        'HEALTH CHECK',
        'STATUS',
        'CHECKERS',
        'INVERTED',
        'DISABLED',
        'DRAINED',
        'DNS FROM HERE',
        'LOCK',
      ],
      report.regions.map((row) => [
        row.primary ? `${row.region} *` : row.region,
        row.healthCheckId ?? palette.red('missing'),
        paintState(row.state, palette),
        row.totalCheckers > 0
          ? `${row.healthyCheckers}/${row.totalCheckers} (${Math.round((row.healthyShare ?? 0) * 100)}%)`
          : '-',
        yesNo(row.inverted, palette),
        yesNo(row.disabled, palette),
        yesNo(row.drained, palette),
        row.dns.clientSubnet === null
          ? palette.dim('-')
          : row.dns.error !== undefined
            ? palette.red('error')
            : row.dns.regions.join(', ') ||
              (row.dns.recordData.length > 0
                ? `? ${row.dns.recordData.join(' ')}`
                : palette.dim(row.dns.responseCode ?? '-')),
        row.lock === null
          ? '-'
          : row.lock.liveness === 'stale'
            ? palette.red('stale')
            : palette.yellow('running'),
      ]),
      palette,
    ),
  );
  lines.push('');
  lines.push(
    `Healthy regions: ${report.healthyRegions} of ${report.regions.length} (drills keep at least ${report.minHealthyRegions})   * primary`,
  );
  for (const warning of report.warnings) {
    if (!report.needsAction.includes(warning)) lines.push(`${palette.yellow('⚠')} ${warning}`);
  }
  if (report.needsAction.length > 0) {
    lines.push('');
    lines.push(palette.red('Needs action:'));
    for (const item of report.needsAction) lines.push(`${palette.red('✖')} ${item}`);
  }
  return lines.join('\n');
}

/** Settings shown in the plan's step list. */
export interface PlanDetails {
  readonly healthCheckId: string | undefined;
  readonly version: number | undefined;
  readonly inverted: boolean | undefined;
  readonly tableName: string;
  readonly publicName: string;
  readonly vantageRegions: readonly string[];
  readonly holdMs: number;
  readonly pollMs: number;
  readonly observeTimeoutMs: number;
  readonly restoreTimeoutMs: number;
  readonly reportFile: string;
  readonly metric: boolean;
  /** Alarms watched as stop conditions (`region/name`). */
  readonly stopAlarms: readonly string[];
}

/** The steps a drill would take, for the dry run. */
export function planSteps(plan: DrillPlan, details: PlanDetails): string[] {
  const id = details.healthCheckId ?? '?';
  const act =
    plan.method === 'invert'
      ? `UpdateHealthCheck ${id} Inverted=${!(details.inverted ?? false)} (HealthCheckVersion ${details.version ?? '?'})`
      : `put drain flag (pk __control__, sk drain#${plan.target}, drained=true, TTL) in ${details.tableName}, replica ${plan.target}`;
  const undo =
    plan.method === 'invert'
      ? `UpdateHealthCheck ${id} Inverted=${details.inverted ?? false}`
      : `delete the drain flag in ${plan.target}`;
  return [
    `lock: tag ${id} with ${TAG_DRILL_LOCK}, refuse if any drill lock exists`,
    `act: ${act}`,
    `observe every ${formatDuration(details.pollMs)} (up to ${formatDuration(details.observeTimeoutMs)}): health check unhealthy; TestDNSAnswer ${details.publicName} A from ${details.vantageRegions.join(', ') || 'no vantage points'} excludes ${plan.target}`,
    `hold ${formatDuration(details.holdMs)}; stop and restore at once if fewer than ${plan.minHealthyRegions} other region${plan.minHealthyRegions === 1 ? '' : 's'} stay healthy, a deploy of the region stack starts${details.stopAlarms.length > 0 ? `, or an alarm goes to ALARM: ${details.stopAlarms.join(', ')}` : ' (no alarm watched)'}`,
    `restore (always, also on Ctrl-C, SIGTERM, errors, timeouts), retried until ${formatDuration(details.restoreTimeoutMs)}: ${undo}; read back; unlock; wait until healthy and back in DNS; if it cannot, print the aws commands to finish by hand`,
    `write ${details.reportFile} and the shared drill history${details.metric ? ', put CloudWatch metric FailoverSeconds (only when passed)' : ''}`,
  ];
}

/** Why the plan is shown: a dry run, a refused `--execute`, or a plan written to a file. */
export type PlanMode = 'dry-run' | 'refused' | 'plan-out';

/** The plan: verdict, health matrix, steps. */
export function renderPlan(
  plan: DrillPlan,
  steps: readonly string[],
  warnings: readonly string[],
  palette: Palette,
  mode: PlanMode = 'dry-run',
): string {
  const lines: string[] = [];
  const title =
    mode === 'refused'
      ? palette.red('Refused')
      : mode === 'plan-out'
        ? palette.bold('Plan')
        : palette.bold('Dry run');
  lines.push(`${title}: drill fail ${plan.target} (${plan.method}); nothing was changed`);
  lines.push('');
  lines.push(
    formatTable(
      ['REGION', 'HEALTH CHECK', 'NOW', 'AFTER', 'IN DNS NOW', 'IN DNS AFTER'],
      plan.matrix.map((row) => [
        row.target ? `${row.region} ◀` : row.region,
        row.healthCheckId ?? '-',
        paintState(row.now, palette),
        paintState(row.after, palette),
        row.servesNow ? 'yes' : 'no',
        row.servesAfter ? 'yes' : 'no',
      ]),
      palette,
    ),
  );
  lines.push('');
  lines.push(
    `Healthy regions: ${plan.healthyNow} now, ${plan.healthyAfter} after (minimum ${plan.minHealthyRegions})`,
  );
  if (plan.allowed) {
    lines.push(`${palette.green('✔')} preflight passed`);
  } else {
    for (const refusal of plan.refusals)
      lines.push(`${palette.red('✖')} refused: ${refusal.message}`);
  }
  for (const warning of [...plan.warnings, ...warnings]) {
    lines.push(`${palette.yellow('⚠')} ${warning}`);
  }
  lines.push('');
  lines.push('Plan:');
  steps.forEach((step, index) => lines.push(`  ${index + 1}. ${step}`));
  if (plan.allowed && mode === 'dry-run') {
    lines.push('');
    lines.push('Run again with --execute to carry it out.');
  }
  return lines.join('\n');
}

/** The drill result: timings table, DNS per vantage point, outcome. */
export function renderDrillReport(
  report: DrillReport,
  reportFile: string | null,
  palette: Palette,
): string {
  const seconds = (value: number | undefined) => (value === undefined ? '-' : `${value}`);
  const outcome =
    report.outcome === 'passed'
      ? palette.green('passed')
      : report.outcome === 'restore-failed'
        ? palette.red('RESTORE FAILED')
        : palette.yellow(report.outcome);
  const dns =
    report.timings.dnsConvergenceSeconds !== undefined
      ? `${report.timings.dnsConvergenceSeconds}`
      : report.outcome === 'inconclusive'
        ? 'not observed'
        : '-';
  const lines: string[] = [];
  lines.push(
    `Drill ${report.drillId}: ${report.region} (${report.method}) ${outcome}${report.interruptedBy ? ` by ${report.interruptedBy}` : ''}`,
  );
  lines.push('');
  lines.push(
    formatTable(
      ['MEASURE', 'SECONDS'],
      [
        ['detection (action → health check unhealthy)', seconds(report.timings.detectionSeconds)],
        ['DNS convergence (action → out of every answer)', dns],
        ['hold', seconds(report.timings.holdSeconds)],
        ['restore (undo → healthy and back in DNS)', seconds(report.timings.restoreSeconds)],
      ],
      palette,
    ),
  );
  if (report.vantages.length > 0) {
    lines.push('');
    lines.push(
      formatTable(
        ['VANTAGE', 'CLIENT SUBNET', 'BEFORE', 'DURING', 'AFTER'],
        report.vantages.map((vantage) => [
          vantage.region,
          `${vantage.clientSubnet}/24`,
          vantage.before.join('+') || '-',
          vantage.during.join('+') || '-',
          vantage.after.join('+') || '-',
        ]),
        palette,
      ),
    );
  }
  lines.push('');
  lines.push(
    `Restore: config ${report.restore.configRestored ? 'restored' : palette.red('NOT restored')}, healthy again ${report.restore.healthyAgain}, DNS ${report.restore.dnsRestored}, lock ${report.restore.lockRemoved ? 'removed' : palette.red('kept')}`,
  );
  if (report.inconclusive !== undefined) {
    lines.push(
      `${palette.yellow('⚠')} inconclusive: ${report.inconclusive}; no metric was published`,
    );
  }
  if (report.error !== undefined) lines.push(`${palette.red('✖')} ${report.error}`);
  if ((report.restore.manualCommands ?? []).length > 0) {
    lines.push(palette.red('Restore by hand now:'));
    for (const command of report.restore.manualCommands ?? []) lines.push(`  ${command}`);
  }
  if (!report.dnsServedRegionBefore && report.vantages.length > 0) {
    lines.push(
      `${palette.yellow('⚠')} no vantage point was answered with ${report.region} before the drill`,
    );
  }
  if (reportFile !== null) lines.push(`Report: ${reportFile}`);
  return lines.join('\n');
}
