import { Template } from 'aws-cdk-lib/assertions';
import type { ActiveActiveStacks } from '../../lib/app';
import type { BilledResources } from '../../lib/ops/cost/billed-resources';

/** What the synthesized templates create of each resource the cost model counts. */
export function billedResourcesIn(stacks: ActiveActiveStacks): BilledResources {
  const count = (type: string) =>
    [stacks.data, ...stacks.regions, stacks.global].reduce(
      (sum, stack) => sum + Object.keys(Template.fromStack(stack).findResources(type)).length,
      0,
    );
  return {
    alarms: count('AWS::CloudWatch::Alarm'),
    healthChecks: count('AWS::Route53::HealthCheck'),
    dashboards: count('AWS::CloudWatch::Dashboard'),
    kmsKeys: count('AWS::KMS::Key'),
    functions: count('AWS::Lambda::Function'),
  };
}
