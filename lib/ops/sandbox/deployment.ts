/**
 * The app "deployed" into the sandbox: the synthesized templates read the way CloudFormation would
 * create them, reduced to what the sandbox plays: the table, the secrets, the items custom
 * resources put, each region's functions (environment, timeout), HTTP API routes and authorizer,
 * stream mapping and schedule, the Route 53 health checks and records, the alarms, and every
 * stack's outputs. Names the templates leave to CloudFormation (function names, health-check ids,
 * API Gateway domain names) get stable sandbox values.
 */
import { createHash } from 'node:crypto';
import type { Blueprint, BlueprintStack, Template, TemplateResource } from './blueprint';
import {
  referencedLogicalIds,
  resolveString,
  resolveValue,
  tryResolve,
  UnresolvableError,
  type ResolveContext,
} from './intrinsics';
import type { AuthorizerSpec, FunctionKind, FunctionSpec, RouteSpec } from './region/protocol';

/** The table as the data stack's `AWS::DynamoDB::GlobalTable` declares it. */
export interface TableSpec {
  readonly tableName: string;
  readonly attributeDefinitions: readonly { AttributeName: string; AttributeType: string }[];
  readonly keySchema: readonly { AttributeName: string; KeyType: string }[];
  readonly globalSecondaryIndexes: readonly {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: string }[];
    Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
  }[];
  readonly streamViewType: string;
  readonly ttlAttribute?: string;
  /** Replica regions. */
  readonly regions: readonly string[];
}

/** A secret with a generated value (`GenerateSecretString`), in its region and replicas. */
export interface SecretSpec {
  readonly name: string;
  readonly length: number;
  readonly excludePunctuation: boolean;
  readonly regions: readonly string[];
}

/** An item an `AwsCustomResource` puts into the table on create (DynamoDB JSON). */
export interface SeedItem {
  readonly region: string;
  readonly tableName: string;
  readonly item: Readonly<Record<string, unknown>>;
}

/** A Route 53 health check (`AWS::Route53::HealthCheck`). */
export interface HealthCheckSpec {
  readonly id: string;
  /** Region of the stack that created it (its `aa:region` tag names the region it checks). */
  readonly stackRegion: string;
  readonly type: string;
  readonly fqdn: string;
  readonly port: number;
  readonly resourcePath: string;
  readonly requestIntervalSeconds: number;
  readonly failureThreshold: number;
  readonly checkerRegions: readonly string[];
  readonly inverted: boolean;
  readonly disabled: boolean;
  readonly enableSni: boolean;
  readonly measureLatency: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/** A record set (`AWS::Route53::RecordSet`), resolved. */
export interface RecordSetSpec {
  /** Lower-case, without the trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly hostedZoneId: string;
  readonly setIdentifier?: string;
  /** Latency routing: the record's region. */
  readonly region?: string;
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  readonly healthCheckId?: string;
  readonly alias?: {
    readonly dnsName: string;
    readonly hostedZoneId: string;
    readonly evaluateTargetHealth: boolean;
  };
  readonly ttlSeconds?: number;
  readonly values?: readonly string[];
}

/** A metric alarm (`AWS::CloudWatch::Alarm` on one metric). */
export interface AlarmSpec {
  readonly region: string;
  readonly name: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Maximum` ... or a percentile such as `p99`. */
  readonly statistic: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: string;
  readonly treatMissingData: string;
}

/** A deployed stack as DescribeStacks shows it. */
export interface StackSpec {
  readonly stackName: string;
  readonly region: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/** The conflict feed's event source mapping. */
export interface StreamMappingSpec {
  /** Lambda event filter patterns (any one passes a record). */
  readonly filters: readonly unknown[];
  readonly batchSize: number;
  readonly maxBatchingWindowMs: number;
  readonly retryAttempts: number;
}

/** What one region host runs. */
export interface RegionSpec {
  readonly region: string;
  readonly stackName: string;
  /** Names the region's API answers (its public and its own custom domain). */
  readonly domainNames: readonly string[];
  /** The API Gateway regional domain name each custom domain's alias points at. */
  readonly endpointName: string;
  readonly apiId: string;
  readonly functions: Readonly<Partial<Record<FunctionKind, Omit<FunctionSpec, 'bundle'>>>>;
  readonly routes: readonly RouteSpec[];
  readonly authorizer?: AuthorizerSpec;
  readonly streamMapping: StreamMappingSpec;
  /** How often the heartbeat schedule fires (unscaled). */
  readonly heartbeatEveryMs: number;
  /** Health path of the region's health route. */
  readonly healthPath: string;
}

/** The whole deployment. */
export interface SandboxDeployment {
  readonly appName: string;
  readonly accountId: string;
  readonly regions: readonly string[];
  readonly table: TableSpec;
  readonly secrets: readonly SecretSpec[];
  readonly seedItems: readonly SeedItem[];
  readonly healthChecks: readonly HealthCheckSpec[];
  readonly records: readonly RecordSetSpec[];
  readonly alarms: readonly AlarmSpec[];
  readonly stacks: readonly StackSpec[];
  readonly regionSpecs: readonly RegionSpec[];
}

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
    const ctx = contextOf(stack, accountId, templateOf(stack), () => healthChecks, blueprint);
    for (const [logicalId, resource] of resourcesOf(stack)) {
      if (resource.Type !== 'AWS::Route53::HealthCheck') continue;
      healthChecks.push(healthCheckOf(stack, logicalId, resource, ctx));
    }
  }

  const contexts = new Map(
    stacks.map((stack) => [
      stack.stackName,
      contextOf(stack, accountId, templateOf(stack), () => healthChecks, blueprint),
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

function contextOf(
  stack: BlueprintStack,
  accountId: string,
  template: Template,
  healthChecks: () => readonly HealthCheckSpec[],
  blueprint: Blueprint,
): ResolveContext {
  const resources = template.Resources ?? {};
  const typeOf = (id: string) => resources[id]?.Type;
  const regionStack = blueprint.regions.find((region) => region.stackName === stack.stackName);
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
      void regionStack;
      return undefined;
    },
  };
}

/** The name CloudFormation would generate for a function (stack name, logical id, suffix). */
export function functionNameOf(stackName: string, logicalId: string): string {
  return (
    `${stackName}-${logicalId}`.slice(0, 52) + `-${sandboxId(`${stackName}/${logicalId}`, 11)}`
  );
}

function healthCheckOf(
  stack: BlueprintStack,
  logicalId: string,
  resource: TemplateResource,
  ctx: ResolveContext,
): HealthCheckSpec {
  const props = resource.Properties ?? {};
  const config = resolveValue(props.HealthCheckConfig, ctx) as Record<string, unknown>;
  const tags = (
    resolveValue(props.HealthCheckTags ?? [], ctx) as { Key: string; Value: string }[]
  ).map((tag) => [tag.Key, tag.Value] as const);
  return {
    id: healthCheckIdOf(stack.stackName, logicalId),
    stackRegion: stack.region,
    type: String(config.Type ?? 'HTTPS'),
    fqdn: String(config.FullyQualifiedDomainName ?? ''),
    port: Number(config.Port ?? 443),
    resourcePath: String(config.ResourcePath ?? '/'),
    requestIntervalSeconds: Number(config.RequestInterval ?? 30),
    failureThreshold: Number(config.FailureThreshold ?? 3),
    checkerRegions: Array.isArray(config.Regions) ? config.Regions.map(String) : [],
    inverted: config.Inverted === true,
    disabled: config.Disabled === true,
    enableSni: config.EnableSNI === true,
    measureLatency: config.MeasureLatency === true,
    tags: Object.fromEntries(tags),
  };
}

function tableOf(props: Readonly<Record<string, unknown>>, ctx: ResolveContext): TableSpec {
  const resolved = resolveValue(props, ctx) as Record<string, unknown>;
  const ttl = resolved.TimeToLiveSpecification as
    { AttributeName?: string; Enabled?: boolean } | undefined;
  return {
    tableName: String(resolved.TableName),
    attributeDefinitions: resolved.AttributeDefinitions as TableSpec['attributeDefinitions'],
    keySchema: resolved.KeySchema as TableSpec['keySchema'],
    globalSecondaryIndexes: (resolved.GlobalSecondaryIndexes ??
      []) as TableSpec['globalSecondaryIndexes'],
    streamViewType:
      (resolved.StreamSpecification as { StreamViewType?: string } | undefined)?.StreamViewType ??
      'NEW_AND_OLD_IMAGES',
    ...(ttl?.Enabled === true && ttl.AttributeName !== undefined
      ? { ttlAttribute: ttl.AttributeName }
      : {}),
    regions: ((resolved.Replicas ?? []) as { Region: string }[]).map((replica) => replica.Region),
  };
}

function secretOf(
  props: Readonly<Record<string, unknown>>,
  region: string,
  ctx: ResolveContext,
): SecretSpec {
  const resolved = resolveValue(props, ctx) as Record<string, unknown>;
  const generate = (resolved.GenerateSecretString ?? {}) as Record<string, unknown>;
  const replicas = ((resolved.ReplicaRegions ?? []) as { Region: string }[]).map((r) => r.Region);
  return {
    name: String(resolved.Name),
    length: Number(generate.PasswordLength ?? 32),
    excludePunctuation: generate.ExcludePunctuation === true,
    regions: [region, ...replicas],
  };
}

function seedItemOf(
  props: Readonly<Record<string, unknown>>,
  region: string,
  ctx: ResolveContext,
): SeedItem | undefined {
  if (props.Create === undefined) return undefined;
  const text = tryResolve(props.Create, ctx);
  if (typeof text !== 'string') return undefined;
  const call = JSON.parse(text) as {
    service?: string;
    action?: string;
    region?: string;
    parameters?: { TableName?: string; Item?: Record<string, unknown> };
  };
  if (call.service !== 'DynamoDB' || !/^putItem$/i.test(call.action ?? '')) return undefined;
  if (call.parameters?.Item === undefined || call.parameters.TableName === undefined)
    return undefined;
  return {
    region: call.region ?? region,
    tableName: call.parameters.TableName,
    item: call.parameters.Item,
  };
}

function recordOf(props: Readonly<Record<string, unknown>>, ctx: ResolveContext): RecordSetSpec {
  const resolved = resolveValue(props, ctx) as Record<string, unknown>;
  const alias = resolved.AliasTarget as
    { DNSName: string; HostedZoneId: string; EvaluateTargetHealth?: boolean } | undefined;
  const failover = resolved.Failover;
  return {
    name: normalizeName(String(resolved.Name)),
    type: String(resolved.Type),
    hostedZoneId: String(resolved.HostedZoneId ?? ''),
    ...(typeof resolved.SetIdentifier === 'string'
      ? { setIdentifier: resolved.SetIdentifier }
      : {}),
    ...(typeof resolved.Region === 'string' ? { region: resolved.Region } : {}),
    ...(failover === 'PRIMARY' || failover === 'SECONDARY' ? { failover } : {}),
    ...(typeof resolved.HealthCheckId === 'string'
      ? { healthCheckId: resolved.HealthCheckId }
      : {}),
    ...(alias === undefined
      ? {}
      : {
          alias: {
            dnsName: normalizeName(alias.DNSName),
            hostedZoneId: alias.HostedZoneId,
            evaluateTargetHealth: alias.EvaluateTargetHealth === true,
          },
        }),
    ...(resolved.TTL === undefined ? {} : { ttlSeconds: Number(resolved.TTL) }),
    ...(Array.isArray(resolved.ResourceRecords)
      ? { values: resolved.ResourceRecords.map(String) }
      : {}),
  };
}

/** A DNS name as records are compared: lower case, no trailing dot. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function alarmOf(
  props: Readonly<Record<string, unknown>>,
  region: string,
  ctx: ResolveContext,
): AlarmSpec | undefined {
  if (props.MetricName === undefined) return undefined; // metric math: not evaluated here
  const resolved = tryResolve(props, ctx) as Record<string, unknown> | undefined;
  if (resolved === undefined || typeof resolved.AlarmName !== 'string') return undefined;
  const dimensions = (resolved.Dimensions ?? []) as { Name: string; Value: string }[];
  const evaluationPeriods = Number(resolved.EvaluationPeriods ?? 1);
  return {
    region,
    name: resolved.AlarmName,
    namespace: String(resolved.Namespace),
    metricName: String(resolved.MetricName),
    dimensions: Object.fromEntries(dimensions.map((d) => [d.Name, String(d.Value)])),
    statistic: String(resolved.ExtendedStatistic ?? resolved.Statistic ?? 'Average'),
    periodSeconds: Number(resolved.Period ?? 60),
    evaluationPeriods,
    datapointsToAlarm: Number(resolved.DatapointsToAlarm ?? evaluationPeriods),
    threshold: Number(resolved.Threshold ?? 0),
    comparison: String(resolved.ComparisonOperator ?? 'GreaterThanThreshold'),
    treatMissingData: String(resolved.TreatMissingData ?? 'missing'),
  };
}

function regionSpecOf(
  stack: Blueprint['regions'][number],
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
