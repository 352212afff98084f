import { Aspects, Tags, type App } from 'aws-cdk-lib';
import {
  dataStackName,
  GLOBAL_STACK_REGION,
  globalStackName,
  regionStackName,
} from '../lambda/contract/naming';
import { ConfigError, type AppConfig } from './config';
import { ControlTowerControls } from './constructs/control-tower';
import { FunctionEnvironmentLimit } from './constructs/function-environment';
import { rolloutProblems } from './rollout/model';
import { DataStack } from './stacks/data-stack';
import { GlobalStack } from './stacks/global-stack';
import { RegionStack } from './stacks/region-stack';

/** The stacks of one app. */
export interface ActiveActiveStacks {
  readonly data: DataStack;
  /** Region stacks, primary first. */
  readonly regions: RegionStack[];
  readonly global: GlobalStack;
}

/**
 * Compose the app: the data stack in the data region, one stack per region (each depends on the
 * data stack), and the global front door (depends on every region stack). No stack reads
 * another's attributes, so no cross-region reference exists.
 */
export function buildApp(app: App, config: AppConfig): ActiveActiveStacks {
  // Rollout rules that span keys (no domain ahead of active-passive DNS, no owner-only class in
  // limited-write) stop synth with one config line, like every other config problem.
  const rolloutProblem = rolloutProblems(config.rollout)[0];
  if (rolloutProblem !== undefined) throw new ConfigError(`activeActive.${rolloutProblem}`);
  // Dashboard tags are newer than the cfn-lint schemas CI validates against; a tag on a
  // dashboard buys nothing, so leave them out rather than risk a template a linter refuses.
  Tags.of(app).add('app', config.appName, {
    excludeResourceTypes: ['AWS::CloudWatch::Dashboard'],
  });
  // A function environment over 4 KB fails synth with its name and size, not the deploy.
  Aspects.of(app).add(new FunctionEnvironmentLimit());
  // Control Tower proactive controls: fixes, and acknowledgments with reasons, in one place.
  Aspects.of(app).add(new ControlTowerControls(config.logs));
  const envOf = (region: string) => ({ account: config.account, region });

  // The data stack's region never changes (config.dataRegion): the table and the secrets already
  // exist as replicas everywhere else, so a data stack created in another region fails.
  const data = new DataStack(app, dataStackName(config.appName), {
    env: envOf(config.dataRegion),
    description: `${config.appName}: global table and signing keys (home ${config.dataRegion})`,
    terminationProtection: !config.accountIsPlaceholder,
    config,
  });

  // A retiring region keeps its stack while it is out of DNS, and loses it at step unprotected.
  const regions = config.stackRegions.map((region) => {
    const stack = new RegionStack(app, regionStackName(config.appName, region), {
      env: envOf(region),
      description: `${config.appName}: API, health check and DNS records in ${region}`,
      config,
    });
    stack.addStackDependency(data, 'the API reads and writes the global table replica');
    return stack;
  });

  const global = new GlobalStack(app, globalStackName(config.appName), {
    env: envOf(GLOBAL_STACK_REGION),
    description: `${config.appName}: public DNS name and failover pair`,
    config,
  });
  for (const stack of regions) {
    global.addStackDependency(stack, 'public aliases point at records the region stacks create');
  }
  return { data, regions, global };
}
