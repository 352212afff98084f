/**
 * What the templates leave to CloudFormation, given stable sandbox values: physical ids and names
 * (health-check ids, function names, API Gateway regional domain names), and the value of each
 * `Ref` and `Fn::GetAtt` the app's templates use, as a deploy would resolve them.
 */
import { createHash } from 'node:crypto';
import type { BlueprintStack, Template } from '../blueprint';
import type { HealthCheckSpec } from '../deployment';
import type { ResolveContext } from '../intrinsics';

/** A stable id of the given length from a seed (sandbox stand-in for ids AWS assigns). */
export function sandboxId(seed: string, length = 12): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** The id the sandbox gives a health check: UUID-shaped, as Route 53's are. */
export function healthCheckIdOf(stackName: string, logicalId: string): string {
  const hex = sandboxId(`${stackName}/${logicalId}`, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The regional endpoint name API Gateway would give a custom domain in `region`. */
export function apiEndpointNameOf(region: string, domainName: string): string {
  return `d-${sandboxId(`${region}/${domainName}`, 10)}.execute-api.${region}.amazonaws.com`;
}

/** The hosted zone id of API Gateway's regional endpoints in the sandbox. */
export function apiEndpointZoneOf(region: string): string {
  return `ZSANDBOX${sandboxId(region, 8).toUpperCase()}`;
}

/** The name CloudFormation would generate for a function (stack name, logical id, suffix). */
export function functionNameOf(stackName: string, logicalId: string): string {
  return (
    `${stackName}-${logicalId}`.slice(0, 52) + `-${sandboxId(`${stackName}/${logicalId}`, 11)}`
  );
}

/**
 * How references resolve in one stack. `healthChecks` is read late: the global stack's
 * health-check lookup resolves to the region stacks' health checks by their tags.
 */
export function referenceContextOf(
  stack: BlueprintStack,
  accountId: string,
  template: Template,
  healthChecks: () => readonly HealthCheckSpec[],
): ResolveContext {
  const resources = template.Resources ?? {};
  const typeOf = (id: string) => resources[id]?.Type;
  return {
    region: stack.region,
    accountId,
    stackName: stack.stackName,
    ref(id) {
      const resource = resources[id];
      if (resource === undefined) return undefined;
      const props = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::DynamoDB::GlobalTable':
        case 'AWS::DynamoDB::Table':
          return typeof props.TableName === 'string' ? props.TableName : undefined;
        case 'AWS::Route53::HealthCheck':
          return healthCheckIdOf(stack.stackName, id);
        case 'AWS::Lambda::Function':
          return functionNameOf(stack.stackName, id);
        case 'AWS::SecretsManager::Secret':
          return `arn:aws:secretsmanager:${stack.region}:${accountId}:secret:${String(props.Name)}`;
        case 'AWS::ApiGatewayV2::Api':
          return `sandbox-${stack.region}`;
        case 'AWS::SQS::Queue':
          return `http://sqs.${stack.region}.localhost/${accountId}/${stack.stackName}-${id}`;
        case 'AWS::SNS::Topic':
          return `arn:aws:sns:${stack.region}:${accountId}:${stack.stackName}-${id}`;
        default:
          return id;
      }
    },
    getAtt(id, attribute) {
      const resource = resources[id];
      const type = typeOf(id);
      if (resource === undefined || type === undefined) return undefined;
      const props = resource.Properties ?? {};
      if (type === 'AWS::ApiGatewayV2::DomainName') {
        const domain = String(props.DomainName);
        if (attribute === 'RegionalDomainName') return apiEndpointNameOf(stack.region, domain);
        if (attribute === 'RegionalHostedZoneId') return apiEndpointZoneOf(stack.region);
      }
      if (type === 'AWS::Lambda::Function' && attribute === 'Arn') {
        return `arn:aws:lambda:${stack.region}:${accountId}:function:${functionNameOf(stack.stackName, id)}`;
      }
      if (type === 'AWS::SQS::Queue' && attribute === 'QueueName')
        return `${stack.stackName}-${id}`;
      if (type === 'AWS::SQS::Queue' && attribute === 'Arn') {
        return `arn:aws:sqs:${stack.region}:${accountId}:${stack.stackName}-${id}`;
      }
      if (type === 'Custom::HealthCheckIds') {
        // the lookup finds each region's health check by its tags, as the real one does
        const app = String(props.App);
        return healthChecks().find(
          (check) => check.tags['aa:app'] === app && check.tags['aa:region'] === attribute,
        )?.id;
      }
      if (type === 'Custom::TableStreamArn' && attribute === 'Table.LatestStreamArn') {
        return `arn:aws:dynamodb:${stack.region}:${accountId}:table/sandbox/stream/sandbox`;
      }
      return undefined;
    },
  };
}
