/**
 * The synthesized templates read the way CloudFormation would create them, reduced to what the
 * sandbox plays (./deployment.ts says what that is). Names the templates leave to CloudFormation
 * get stable sandbox values (./physical-ids.ts).
 */
import type { Blueprint, BlueprintStack, Template } from '../blueprint';
import type {
  AlarmSpec,
  HealthCheckSpec,
  RecordSetSpec,
  SandboxDeployment,
  SecretSpec,
  SeedItem,
  StackSpec,
  TableSpec,
} from '../deployment';
import { tryResolve, type ResolveContext } from '../intrinsics';
import { referenceContextOf } from './physical-ids';
import { regionSpecOf } from './region-stack';
import { alarmOf, healthCheckOf, recordOf, secretOf, seedItemOf, tableOf } from './resources';

/** Read the deployment from a blueprint and its templates. */
export function deploymentOf(
  blueprint: Blueprint,
  templates: ReadonlyMap<string, Template>,
  accountId: string,
): SandboxDeployment {
  const stacks = [blueprint.data, ...blueprint.regions, blueprint.global];
  const templateOf = (stack: BlueprintStack): Template => {
    const template = templates.get(stack.stackName);
    if (template === undefined) throw new Error(`no template for stack ${stack.stackName}`);
    return template;
  };
  const resourcesOf = (stack: BlueprintStack) => Object.entries(templateOf(stack).Resources ?? {});

  // health checks first: the global stack's lookup resolves to them by tag
  const healthChecks: HealthCheckSpec[] = [];
  for (const stack of stacks) {
    const ctx = referenceContextOf(stack, accountId, templateOf(stack), () => healthChecks);
    for (const [logicalId, resource] of resourcesOf(stack)) {
      if (resource.Type !== 'AWS::Route53::HealthCheck') continue;
      healthChecks.push(healthCheckOf(stack, logicalId, resource, ctx));
    }
  }

  const contexts = new Map(
    stacks.map((stack) => [
      stack.stackName,
      referenceContextOf(stack, accountId, templateOf(stack), () => healthChecks),
    ]),
  );
  const ctxOf = (stack: BlueprintStack) => contexts.get(stack.stackName) as ResolveContext;

  let table: TableSpec | undefined;
  const secrets: SecretSpec[] = [];
  const seedItems: SeedItem[] = [];
  const records: RecordSetSpec[] = [];
  const alarms: AlarmSpec[] = [];
  for (const stack of stacks) {
    const ctx = ctxOf(stack);
    for (const [, resource] of resourcesOf(stack)) {
      const props = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::DynamoDB::GlobalTable':
          table = tableOf(props, ctx);
          break;
        case 'AWS::SecretsManager::Secret':
          secrets.push(secretOf(props, stack.region, ctx));
          break;
        case 'AWS::Route53::RecordSet':
          records.push(recordOf(props, ctx));
          break;
        case 'AWS::CloudWatch::Alarm': {
          const alarm = alarmOf(props, stack.region, ctx);
          if (alarm !== undefined) alarms.push(alarm);
          break;
        }
        default:
          if (resource.Type.startsWith('Custom::')) {
            const item = seedItemOf(props, stack.region, ctx);
            if (item !== undefined) seedItems.push(item);
          }
      }
    }
  }
  if (table === undefined) throw new Error('the data stack declares no AWS::DynamoDB::GlobalTable');

  const stackSpecs = stacks.map((stack): StackSpec => {
    const outputs: Record<string, string> = {};
    for (const [key, output] of Object.entries(templateOf(stack).Outputs ?? {})) {
      const value = tryResolve(output.Value, ctxOf(stack));
      if (typeof value === 'string') outputs[key] = value;
    }
    return { stackName: stack.stackName, region: stack.region, outputs };
  });

  const regionSpecs = blueprint.regions.map((stack) =>
    regionSpecOf(stack, templateOf(stack), ctxOf(stack)),
  );
  return {
    appName: blueprint.appName,
    accountId,
    regions: blueprint.regions.map((stack) => stack.region),
    table,
    secrets,
    seedItems,
    healthChecks,
    records,
    alarms,
    stacks: stackSpecs,
    regionSpecs,
  };
}
