/**
 * The data and global stacks' resources as the sandbox creates them: the global table, the
 * secrets, the items custom resources put, the Route 53 health checks and record sets, and the
 * metric alarms. Each reader takes a resource's properties and resolves its intrinsics.
 */
import type { BlueprintStack, TemplateResource } from '../blueprint';
import {
  normalizeName,
  type AlarmSpec,
  type HealthCheckSpec,
  type RecordSetSpec,
  type SecretSpec,
  type SeedItem,
  type TableSpec,
} from '../deployment';
import { resolveValue, tryResolve, type ResolveContext } from '../intrinsics';
import { healthCheckIdOf } from './physical-ids';

export function healthCheckOf(
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

export function tableOf(props: Readonly<Record<string, unknown>>, ctx: ResolveContext): TableSpec {
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

export function secretOf(
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

export function seedItemOf(
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

export function recordOf(
  props: Readonly<Record<string, unknown>>,
  ctx: ResolveContext,
): RecordSetSpec {
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

export function alarmOf(
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
