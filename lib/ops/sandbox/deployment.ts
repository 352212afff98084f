/**
 * The app "deployed" into the sandbox, as the sandbox plays it: the table, the secrets, the items
 * custom resources put, each region's functions (environment, timeout), HTTP API routes and
 * authorizer, stream mapping and schedule, the Route 53 health checks and records, the alarms, and
 * every stack's outputs. Read from the synthesized templates by ./templates/read-deployment.ts.
 */
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

/** A DNS name as records are compared: lower case, no trailing dot. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
