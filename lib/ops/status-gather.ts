import { regionStackName } from '../../lambda/contract/naming';
import type { AppConfig } from '../config/schema';
import type { LockObserver } from './drill/lock-tag';
import { firstLineOf } from './error-line';
import type { DrainFlagState } from './gateways/drain';
import type { StackState } from './gateways/stacks';
import type { MovedTenant } from './gateways/tenants';
import {
  dnsProbeTargetOf,
  findHealthChecks,
  findLocks,
  probeVantages,
  readDeployedPhase,
  readFingerprints,
  readRegionHealth,
  type OpsGateways,
} from './live';
import { buildStatusReport, type StatusReport } from './status';
import { vantagePointsFor } from './vantage-points';

/** Reading what `aactl status` shows, through the gateways (the judgement is `buildStatusReport`). */

/** What to read besides Route 53 health. */
export interface StatusOptions {
  /** Ask TestDNSAnswer from each vantage point. */
  readonly dns: boolean;
  /** Read each region's drain flag. */
  readonly drain: boolean;
}

/** Read everything `aactl status` shows. */
export async function gatherStatus(
  ctx: {
    config: AppConfig;
    gateways: OpsGateways;
    observer: LockObserver;
    endpointUrl?: string;
  },
  options: StatusOptions,
): Promise<StatusReport> {
  const { config, gateways } = ctx;
  const index = await findHealthChecks(gateways.route53, config);
  const { vantages, missing } = vantagePointsFor(config.regions);
  const probe = dnsProbeTargetOf(config);
  const [live, answers, drains, deployed, stacks, moved] = await Promise.all([
    readRegionHealth(gateways.route53, config.regions, index),
    options.dns
      ? readFingerprints(gateways.route53, probe).then((current) =>
          probeVantages(gateways.route53, probe, vantages, { current }),
        )
      : Promise.resolve(null),
    options.drain ? readDrains(gateways, config.regions) : Promise.resolve(null),
    readDeployedPhase(gateways, config),
    readStacks(gateways, config),
    readMoved(gateways, config, ctx.observer.now),
  ]);
  return buildStatusReport({
    config,
    deployed,
    stacks,
    ...(ctx.endpointUrl !== undefined ? { endpointUrl: ctx.endpointUrl } : {}),
    live,
    locks: findLocks(index, ctx.observer),
    drains,
    answers,
    missingVantages: missing,
    duplicates: index.duplicates,
    strayIds: index.strays.map((check) => check.id),
    now: ctx.observer.now,
    moved,
  });
}

/** Tenants moved in the last 24 h, from the sparse index in the data region's replica. */
async function readMoved(
  gateways: OpsGateways,
  config: Pick<AppConfig, 'dataRegion'>,
  now: Date,
): Promise<MovedTenant[] | { error: string } | null> {
  if (gateways.tenants === undefined) return null;
  try {
    return await gateways.tenants.listMoved(config.dataRegion, now.getTime() - 24 * 3_600_000);
  } catch (error) {
    return { error: firstLineOf(error) };
  }
}

async function readStacks(
  gateways: OpsGateways,
  config: Pick<AppConfig, 'appName' | 'regions'>,
): Promise<Map<string, StackState | { error: string } | undefined>> {
  const entries = await Promise.all(
    config.regions.map(
      async (region): Promise<[string, StackState | { error: string } | undefined]> => {
        try {
          return [
            region,
            await gateways.stacks.describeStack(region, regionStackName(config.appName, region)),
          ];
        } catch (error) {
          return [region, { error: firstLineOf(error) }];
        }
      },
    ),
  );
  return new Map(entries);
}

async function readDrains(
  gateways: OpsGateways,
  regions: readonly string[],
): Promise<Map<string, DrainFlagState | undefined | { error: string }>> {
  type DrainRead = DrainFlagState | undefined | { error: string };
  const entries = await Promise.all(
    regions.map(async (region): Promise<[string, DrainRead]> => {
      try {
        return [region, await gateways.drain.getDrain(region)];
      } catch (error) {
        return [region, { error: (error as Error).message.split('\n')[0] ?? 'error' }];
      }
    }),
  );
  return new Map(entries);
}
