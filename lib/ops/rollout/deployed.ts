import { dataStackName, regionStackName } from '../../../lambda/contract/naming';
import {
  DATA_DOMAINS,
  parseWritePolicy,
  parseGuardProperties,
} from '../../../lambda/contract/rollout';
import type { RolloutState, WriteClass, WritePolicy } from '../../../lambda/contract/rollout';
import type { AppConfig } from '../../config/schema';
import {
  regionsPrimaryFirst,
  ROLLOUT_STATE_OUTPUT,
  WRITE_POLICY_OUTPUT,
} from '../../rollout/model';
import type { RolloutGateway } from './gateway';

/**
 * The rollout as deployed, read from CloudFormation: the data stack's `RolloutState` output (what
 * the guard accepted last) and each region stack's `WritePolicy` output (what its API function
 * runs). Outputs change only when a deploy succeeds, so this is the truth a fresh checkout lacks.
 */

/** What the data stack recorded. */
export interface DeployedState {
  readonly state: RolloutState;
  readonly limitedWriteClasses: readonly WriteClass[];
}

/** One region stack's write policy, or why it could not be read. */
export type DeployedRegion =
  | { readonly region: string; readonly policy: WritePolicy }
  | { readonly region: string; readonly missing: string };

/** Everything deployed that `aactl rollout` compares. */
export interface DeployedRollout {
  /** The data stack's state, or why it is missing. */
  readonly data: DeployedState | { readonly missing: string };
  /** Every configured region, in config order (primary first). */
  readonly regions: readonly DeployedRegion[];
}

/** Read only the data stack's deployed state (what a plan starts from). */
export async function readDeployedData(
  gateway: Pick<RolloutGateway, 'stackOutputs'>,
  config: Pick<AppConfig, 'appName' | 'dataRegion'>,
): Promise<DeployedRollout['data']> {
  const dataName = dataStackName(config.appName);
  // the data stack lives in the data region, which stays put when the primary changes
  return parseDataOutputs(
    await gateway.stackOutputs(config.dataRegion, dataName),
    dataName,
    config.dataRegion,
  );
}

/** Read the deployed rollout (stacks are read in parallel). */
export async function readDeployedRollout(
  gateway: RolloutGateway,
  config: Pick<AppConfig, 'appName' | 'primaryRegion' | 'dataRegion' | 'regions'>,
): Promise<DeployedRollout> {
  const regions = regionsPrimaryFirst(config);
  const dataName = dataStackName(config.appName);
  const [dataOutputs, ...regionOutputs] = await Promise.all([
    gateway.stackOutputs(config.dataRegion, dataName),
    ...regions.map((region) =>
      gateway.stackOutputs(region, regionStackName(config.appName, region)),
    ),
  ]);
  return {
    data: parseDataOutputs(dataOutputs, dataName, config.dataRegion),
    regions: regions.map((region, index) =>
      parseRegionOutputs(regionOutputs[index], region, regionStackName(config.appName, region)),
    ),
  };
}

/** The data stack's outputs as a deployed state (pure). */
export function parseDataOutputs(
  outputs: Record<string, string> | undefined,
  stackName: string,
  region: string,
): DeployedState | { readonly missing: string } {
  if (outputs === undefined) {
    return { missing: `stack ${stackName} not found in ${region}; deploy the app first` };
  }
  const value = outputs[ROLLOUT_STATE_OUTPUT];
  if (value === undefined) {
    return {
      missing: `stack ${stackName} has no ${ROLLOUT_STATE_OUTPUT} output (deployed before progressive rollout); deploy it once at the phase it runs`,
    };
  }
  try {
    const parsed = parseGuardProperties(JSON.parse(value), ROLLOUT_STATE_OUTPUT);
    return { state: parsed.state, limitedWriteClasses: parsed.limitedWriteClasses };
  } catch (error) {
    return {
      missing: `output ${ROLLOUT_STATE_OUTPUT} of ${stackName} is unreadable: ${message(error)}`,
    };
  }
}

/** A region stack's outputs as its deployed write policy (pure). */
export function parseRegionOutputs(
  outputs: Record<string, string> | undefined,
  region: string,
  stackName: string,
): DeployedRegion {
  if (outputs === undefined) return { region, missing: `stack ${stackName} not found` };
  const value = outputs[WRITE_POLICY_OUTPUT];
  if (value === undefined) {
    return { region, missing: `stack ${stackName} has no ${WRITE_POLICY_OUTPUT} output` };
  }
  try {
    return { region, policy: parseWritePolicy(value) };
  } catch (error) {
    return { region, missing: message(error) };
  }
}

/**
 * Where regions disagree with the data stack: a deploy that stopped half-way (the data stack moved,
 * a region did not). The next step waits until they agree.
 */
export function driftOf(deployed: DeployedRollout): string[] {
  if (!('state' in deployed.data)) return [];
  const { state } = deployed.data;
  const drift: string[] = [];
  for (const entry of deployed.regions) {
    if (!('policy' in entry)) {
      drift.push(`${entry.region}: ${entry.missing}`);
      continue;
    }
    const { policy } = entry;
    if (policy.globalPhase !== state.phase) {
      drift.push(
        `${entry.region} runs global phase ${policy.globalPhase} but the data stack recorded ${state.phase}`,
      );
    }
    for (const domain of DATA_DOMAINS) {
      if (policy.domains[domain] !== state.domains[domain]) {
        drift.push(
          `${entry.region} runs ${domain} at ${policy.domains[domain]} but the data stack recorded ${state.domains[domain]}`,
        );
      }
    }
  }
  return drift;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
