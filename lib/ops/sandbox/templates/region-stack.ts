/**
 * One region stack as its region host runs it: the functions (environment, timeout, memory), the
 * HTTP API's routes and Lambda authorizer, the conflict feed's event source mapping and the
 * heartbeat's schedule, read from the region's template.
 */
import type { BlueprintRegion, Template, TemplateResource } from '../blueprint';
import { normalizeName, type RegionSpec, type StreamMappingSpec } from '../deployment';
import {
  referencedLogicalIds,
  resolveString,
  resolveValue,
  UnresolvableError,
  type ResolveContext,
} from '../intrinsics';
import type { AuthorizerSpec, FunctionKind, FunctionSpec, RouteSpec } from '../region/protocol';
import { apiEndpointNameOf, functionNameOf } from './physical-ids';

/** Read a region stack's template. */
export function regionSpecOf(
  stack: BlueprintRegion,
  template: Template,
  ctx: ResolveContext,
): RegionSpec {
  const resources = Object.entries(template.Resources ?? {});
  const kindOf = new Map<string, FunctionKind>(
    (Object.entries(stack.functions) as [FunctionKind, string][]).map(([kind, id]) => [id, kind]),
  );
  const functions: Partial<Record<FunctionKind, Omit<FunctionSpec, 'bundle'>>> = {};
  for (const [kind, logicalId] of Object.entries(stack.functions) as [FunctionKind, string][]) {
    const resource = template.Resources?.[logicalId];
    if (resource === undefined) throw new Error(`${stack.stackName} has no function ${logicalId}`);
    const props = resource.Properties ?? {};
    const variables = resolveValue(
      (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
      ctx,
    ) as Record<string, unknown>;
    functions[kind] = {
      logicalId,
      functionName: functionNameOf(stack.stackName, logicalId),
      environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
      timeoutMs: Number(props.Timeout ?? 3) * 1000,
      memoryMb: Number(props.MemorySize ?? 128),
    };
  }
  const resource = (id: string) => template.Resources?.[id];
  const integrationFunction = (integrationId: string): FunctionKind | undefined => {
    const uri = resource(integrationId)?.Properties?.IntegrationUri;
    return referencedLogicalIds(uri)
      .map((id) => kindOf.get(id))
      .find((kind) => kind !== undefined);
  };
  const routes: RouteSpec[] = [];
  let authorizer: AuthorizerSpec | undefined;
  let streamMapping: StreamMappingSpec | undefined;
  let heartbeatEveryMs: number | undefined;
  const domainNames: string[] = [];
  for (const [, res] of resources) {
    const props = res.Properties ?? {};
    switch (res.Type) {
      case 'AWS::ApiGatewayV2::DomainName':
        domainNames.push(normalizeName(String(props.DomainName)));
        break;
      case 'AWS::ApiGatewayV2::Route': {
        const routeKey = String(props.RouteKey);
        const [method = 'ANY', path = '$default'] =
          routeKey === '$default' ? ['ANY', '$default'] : routeKey.split(' ');
        const integration = referencedLogicalIds(props.Target)[0];
        const kind = integration === undefined ? undefined : integrationFunction(integration);
        if (kind === undefined) {
          throw new UnresolvableError(
            `route ${routeKey} of ${stack.stackName} targets no function the sandbox runs`,
          );
        }
        const authorized = props.AuthorizationType === 'CUSTOM';
        if (authorized) {
          const authorizerId = referencedLogicalIds(props.AuthorizerId)[0] ?? '';
          authorizer ??= authorizerOf(resource(authorizerId), stack.stackName);
        } else if (props.AuthorizationType === 'JWT') {
          throw new Error(
            `route ${routeKey} uses a JWT authorizer (api.jwt): the sandbox runs only the app's own API tokens; remove api.jwt for the sandbox`,
          );
        }
        routes.push({ method, path, routeKey, function: kind, authorized });
        break;
      }
      case 'AWS::Lambda::EventSourceMapping': {
        const target = referencedLogicalIds(props.FunctionName)[0];
        if (target === undefined || kindOf.get(target) !== 'conflictFeed') break;
        const filters = (
          (props.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []
        ).map((filter) => JSON.parse(filter.Pattern) as unknown);
        streamMapping = {
          filters,
          batchSize: Number(props.BatchSize ?? 100),
          maxBatchingWindowMs: Number(props.MaximumBatchingWindowInSeconds ?? 0) * 1000,
          retryAttempts: Number(props.MaximumRetryAttempts ?? -1),
        };
        break;
      }
      case 'AWS::Events::Rule': {
        const targets = referencedLogicalIds(props.Targets);
        if (!targets.some((id) => kindOf.get(id) === 'heartbeat')) break;
        heartbeatEveryMs = scheduleRateMs(String(props.ScheduleExpression));
        break;
      }
    }
  }
  if (streamMapping === undefined)
    throw new Error(`${stack.stackName} has no conflict feed mapping`);
  if (heartbeatEveryMs === undefined)
    throw new Error(`${stack.stackName} has no heartbeat schedule`);
  const healthRoute = routes.find((route) => route.function === 'health');
  const regionalDomain =
    domainNames.find((name) => name.startsWith(`${stack.region}.`)) ?? domainNames[0] ?? '';
  return {
    region: stack.region,
    stackName: stack.stackName,
    domainNames,
    endpointName: apiEndpointNameOf(stack.region, regionalDomain),
    apiId: resolveString({ Ref: apiIdOf(template) }, ctx),
    functions,
    routes,
    ...(authorizer === undefined ? {} : { authorizer }),
    streamMapping,
    heartbeatEveryMs,
    healthPath: healthRoute?.path ?? '/health',
  };
}

function apiIdOf(template: Template): string {
  const entry = Object.entries(template.Resources ?? {}).find(
    ([, res]) => res.Type === 'AWS::ApiGatewayV2::Api',
  );
  if (entry === undefined) throw new Error('the region template has no AWS::ApiGatewayV2::Api');
  return entry[0];
}

function authorizerOf(resource: TemplateResource | undefined, stackName: string): AuthorizerSpec {
  const props = resource?.Properties ?? {};
  if (props.AuthorizerType !== 'REQUEST') {
    throw new Error(
      `${stackName}: authorizer type ${String(props.AuthorizerType)} is not run by the sandbox (only the app's Lambda authorizer)`,
    );
  }
  const sources = Array.isArray(props.IdentitySource) ? props.IdentitySource.map(String) : [];
  return {
    identityHeaders: sources.map((source) => {
      const header = /^\$request\.header\.(.+)$/.exec(source);
      if (header === null) throw new Error(`identity source ${source} is not a header`);
      return (header[1] as string).toLowerCase();
    }),
    cacheTtlMs: Number(props.AuthorizerResultTtlInSeconds ?? 300) * 1000,
    simpleResponses: props.EnableSimpleResponses === true,
  };
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)` in ms. */
export function scheduleRateMs(expression: string): number {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (match === null) {
    throw new Error(
      `schedule ${expression} is not a rate(); the sandbox runs rate() schedules only`,
    );
  }
  const unit = (match[2] as string).replace(/s$/, '');
  const unitMs = unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000;
  return Number(match[1]) * unitMs;
}
