import type { AppConfig } from '../../config/schema';
import { firstLineOf } from '../error-line';
import type { DrillOperator, DrillRecord, DrillSummary } from '../gateways/drill-history';
import type { OpsGateways } from '../live';
import type { DrillReport } from './report';

/**
 * The shared drill history on the global table: written in the primary region's replica (it
 * replicates to every region), read from there; when that replica does not answer, the other
 * regions are tried in config order (the drilled region last).
 */

/** Replicas to use, best first. */
export function historyRegions(
  config: Pick<AppConfig, 'primaryRegion' | 'regions'>,
  avoid?: string,
): string[] {
  const ordered = [
    config.primaryRegion,
    ...config.regions.filter((region) => region !== config.primaryRegion),
  ];
  return [
    ...ordered.filter((region) => region !== avoid),
    ...ordered.filter((region) => region === avoid),
  ];
}

/** The record of an executed drill. */
export function drillRecordOf(report: DrillReport, ranBy: DrillOperator): DrillRecord {
  return {
    drillId: report.drillId,
    region: report.region,
    method: report.method,
    outcome: report.outcome,
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    ranBy,
    ...(report.timings.dnsConvergenceSeconds !== undefined
      ? { failoverSeconds: report.timings.dnsConvergenceSeconds }
      : {}),
    report,
  };
}

/** Who runs aactl, from the environment (no AWS call). */
export function operatorOf(
  env: Readonly<Record<string, string | undefined>>,
  identity: { readonly hostname: string; readonly pid: number },
): DrillOperator {
  const profile = env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE;
  return {
    user: env.AACTL_OPERATOR ?? env.USER ?? env.USERNAME ?? env.LOGNAME ?? 'unknown',
    host: identity.hostname,
    pid: identity.pid,
    ...(profile !== undefined ? { awsProfile: profile } : {}),
  };
}

/** Write the record; resolves to the region written, or throws the last error. */
export async function recordDrill(
  gateways: Pick<OpsGateways, 'history'>,
  config: Pick<AppConfig, 'primaryRegion' | 'regions'>,
  record: DrillRecord,
): Promise<string> {
  return firstAnswering(historyRegions(config, record.region), (region) =>
    gateways.history.putRecord(region, record).then(() => region),
  );
}

/** The newest drills, newest first, and the replica they were read from. */
export async function listDrills(
  gateways: Pick<OpsGateways, 'history'>,
  config: Pick<AppConfig, 'primaryRegion' | 'regions'>,
  limit: number,
): Promise<{ region: string; drills: DrillSummary[] }> {
  return firstAnswering(historyRegions(config), async (region) => ({
    region,
    drills: await gateways.history.listRecords(region, limit),
  }));
}

/** One drill's record, and the replica it was read from. */
export async function showDrill(
  gateways: Pick<OpsGateways, 'history'>,
  config: Pick<AppConfig, 'primaryRegion' | 'regions'>,
  drillId: string,
): Promise<{ region: string; record: DrillRecord | undefined }> {
  return firstAnswering(historyRegions(config), async (region) => ({
    region,
    record: await gateways.history.getRecord(region, drillId),
  }));
}

async function firstAnswering<T>(
  regions: readonly string[],
  attempt: (region: string) => Promise<T>,
): Promise<T> {
  const errors: string[] = [];
  let last: unknown;
  for (const region of regions) {
    try {
      return await attempt(region);
    } catch (error) {
      last = error;
      errors.push(`${region}: ${firstLineOf(error)}`);
    }
  }
  if (last instanceof Error && errors.length > 1) {
    last.message = `${errors.join('; ')}`;
  }
  throw last ?? new Error('no region configured');
}
