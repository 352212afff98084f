/**
 * The Lambda environment as a contract between the CDK app and the handlers: per function kind,
 * the variables its construct sets and its handler reads. Constructs call `toEnvironment()`,
 * handlers call `parseEnvironment()` once at cold start, which fails with one error naming the
 * missing or bad variable. Lambda allows 4 KB of environment in all: lists from config belong in
 * a table item (see OBSERVABILITY_CONFIG_KEY), never here. No CDK or SDK imports.
 */
import {
  parseWritePolicy,
  serializeWritePolicy,
  WRITE_POLICY_ENV,
  type WritePolicy,
} from '../domain/write-policy';
import {
  integer,
  oneOf,
  readVariables,
  regionList,
  text,
  urlPath,
  writeVariables,
  type Variable,
  type VariableSpec,
} from './environment-variables';
import { METRICS_NAMESPACE } from './naming';
import { DEFAULT_HEALTH_PATH } from './routes';

export { EnvironmentError } from './environment-variables';

/** What the API function reads. */
export interface ApiEnvironment {
  /** The region it runs in (`AWS_REGION`, set by Lambda). */
  readonly region: string;
  /** Every region of the app, primary first (`APP_REGIONS`). */
  readonly regions: readonly string[];
  /** The primary region (`PRIMARY_REGION`), one of `regions`. */
  readonly primaryRegion: string;
  /** This region's write policy (`WRITE_POLICY`, set by the region stack). */
  readonly writePolicy: WritePolicy;
  /** How owner-only writes are fenced (`FENCING`; see DynamoReplica). */
  readonly fencing: 'transaction' | 'read-then-write';
  /** Global table name, the same in every region (`TABLE_NAME`). */
  readonly tableName: string;
  /** App name: the logs' and metrics' service (`APP_NAME`). */
  readonly appName: string;
  /** Public API name; a region's own URL is `https://<region>.<publicName>` (`PUBLIC_NAME`). */
  readonly publicName: string;
  /** Secrets Manager id of the session-token key (`SESSION_KEY_SECRET_ID`). */
  readonly sessionKeySecretId: string;
  /** The health route's path (`HEALTH_PATH`), named by the OpenAPI document it serves. */
  readonly healthPath: string;
  /** The OIDC issuer with `api.jwt` (`API_JWT_ISSUER`); absent with the app's API tokens. */
  readonly jwtIssuer: string | undefined;
}

/** What the API authorizer reads. */
export interface AuthorizerEnvironment {
  /** The region it runs in (`AWS_REGION`, set by Lambda). */
  readonly region: string;
  /** Secrets Manager id of the API token key (`API_TOKEN_SECRET_ID`). */
  readonly tokenSecretId: string;
  /** The issuer a token must name (`API_TOKEN_ISSUER`): the app name. */
  readonly issuer: string;
  /** The audience a token must name (`API_TOKEN_AUDIENCE`): the public API name. */
  readonly audience: string;
}

/** What the health function reads. */
export interface HealthEnvironment {
  /** The region it runs in (`AWS_REGION`, set by Lambda). */
  readonly region: string;
  /** Global table name (`TABLE_NAME`). */
  readonly tableName: string;
  /** The probed path (`HEALTH_PATH`): the same value Route 53 and API Gateway use. */
  readonly healthPath: string;
  /** How long the drain-flag read may take (`HEALTH_TIMEOUT_MS`). */
  readonly timeoutMs: number;
}

/** What the replication heartbeat and divergence probe reads. */
export interface HeartbeatEnvironment {
  /** The region it runs in (`AWS_REGION`, set by Lambda). */
  readonly region: string;
  /** Every region of the app (`APP_REGIONS`). */
  readonly regions: readonly string[];
  /** Global table name (`TABLE_NAME`). */
  readonly tableName: string;
  /** App name: the logs' and metrics' service (`APP_NAME`). */
  readonly appName: string;
  /** How long a version may be missing before it counts as divergent (`DIVERGENCE_GRACE_MS`). */
  readonly graceMs: number;
}

/** What the conflict feed (the stream consumer) reads. */
export interface ConflictFeedEnvironment {
  /** The region it runs in (`AWS_REGION`, set by Lambda). */
  readonly region: string;
  /** Every region of the app, primary first (`APP_REGIONS`). */
  readonly regions: readonly string[];
  /** The primary region (`PRIMARY_REGION`): the home of tenants never assigned one. */
  readonly primaryRegion: string;
  /** Global table name (`TABLE_NAME`). */
  readonly tableName: string;
  /** App name: the logs' and metrics' service (`APP_NAME`). */
  readonly appName: string;
}

/** A function that reads nothing from its environment (its input comes with each event). */
export type EmptyEnvironment = Record<string, never>;

/** The settings of each function kind, as its handler reads them (kinds as in LAMBDA_ENTRIES). */
export interface FunctionEnvironments {
  readonly api: ApiEnvironment;
  readonly authorizer: AuthorizerEnvironment;
  readonly health: HealthEnvironment;
  readonly heartbeat: HeartbeatEnvironment;
  readonly 'conflict feed': ConflictFeedEnvironment;
  readonly 'health check lookup': EmptyEnvironment;
  readonly 'rollout guard': EmptyEnvironment;
}

/** A kind of function the app deploys. */
export type FunctionKind = keyof FunctionEnvironments;

/** What a construct passes: Lambda's variables left out, the `Optional` ones optional. */
type InputOf<S, Optional extends keyof S = never> = Omit<S, 'region' | Optional> & {
  readonly [K in Optional]?: S[K];
};

/** What `toEnvironment(kind, ...)` takes for each kind. */
export interface EnvironmentInputs {
  /**
   * `writePolicy` is added by the region stack; `fencing` defaults to `transaction`, `healthPath`
   * to `/health`; `jwtIssuer` only with `api.jwt`.
   */
  readonly api: InputOf<ApiEnvironment, 'writePolicy' | 'fencing' | 'healthPath' | 'jwtIssuer'>;
  readonly authorizer: InputOf<AuthorizerEnvironment>;
  /** `timeoutMs` defaults to 1000. */
  readonly health: InputOf<HealthEnvironment, 'timeoutMs'>;
  /** `graceMs` defaults to 5 minutes. */
  readonly heartbeat: InputOf<HeartbeatEnvironment, 'graceMs'>;
  readonly 'conflict feed': InputOf<ConflictFeedEnvironment>;
  readonly 'health check lookup': EmptyEnvironment;
  readonly 'rollout guard': EmptyEnvironment;
}

const awsRegion = {
  name: 'AWS_REGION',
  source: 'lambda',
  read: text,
  expected: 'a region name',
} as const satisfies Variable<string>;

function required(name: string, expected = 'a non-empty string'): Variable<string> {
  return { name, source: 'construct', read: text, expected };
}

const appRegions = {
  name: 'APP_REGIONS',
  source: 'construct',
  read: regionList,
  expected: 'a comma-separated list of regions',
  write: (regions: readonly string[]) => regions.join(','),
} as const satisfies Variable<readonly string[]>;

const primaryRegion: Variable<string, { regions: readonly string[] }> = {
  ...required('PRIMARY_REGION', 'a region name'),
  check: (primary, { regions }) =>
    regions === undefined || regions.includes(primary)
      ? undefined
      : `PRIMARY_REGION ${primary} is not in APP_REGIONS (${regions.join(', ')})`,
};

const writePolicy: Variable<WritePolicy, ApiEnvironment> = {
  name: WRITE_POLICY_ENV,
  source: 'stack',
  read: parseWritePolicy,
  expected: 'a write policy (JSON)',
  write: serializeWritePolicy,
  check: (policy, { region, primaryRegion }) =>
    (region === undefined || policy.region === region) &&
    (primaryRegion === undefined || policy.primaryRegion === primaryRegion)
      ? undefined
      : `WRITE_POLICY was built for ${policy.region} (primary ${policy.primaryRegion}) but this function runs in ${region ?? '?'} (primary ${primaryRegion ?? '?'})`,
};

const healthPathVariable: Variable<string> = {
  name: 'HEALTH_PATH',
  source: 'construct',
  read: urlPath,
  expected: "a path starting with '/'",
};

/**
 * Every variable of every kind. Variables are read in the order listed, so a check sees those
 * above it (PRIMARY_REGION is checked against APP_REGIONS).
 */
export const FUNCTION_VARIABLES: {
  readonly [K in FunctionKind]: VariableSpec<FunctionEnvironments[K]>;
} = {
  api: {
    region: awsRegion,
    regions: appRegions,
    primaryRegion,
    writePolicy,
    fencing: {
      name: 'FENCING',
      source: 'construct',
      read: oneOf(['transaction', 'read-then-write']),
      expected: 'transaction or read-then-write',
      default: 'transaction',
    },
    tableName: required('TABLE_NAME'),
    appName: required('APP_NAME'),
    publicName: required('PUBLIC_NAME', 'a DNS name'),
    sessionKeySecretId: required('SESSION_KEY_SECRET_ID', 'a secret id'),
    healthPath: { ...healthPathVariable, default: DEFAULT_HEALTH_PATH },
    jwtIssuer: {
      name: 'API_JWT_ISSUER',
      source: 'construct',
      read: text,
      expected: 'an OIDC issuer URL',
      default: undefined,
    },
  },
  authorizer: {
    region: awsRegion,
    tokenSecretId: required('API_TOKEN_SECRET_ID', 'a secret id'),
    issuer: required('API_TOKEN_ISSUER'),
    audience: required('API_TOKEN_AUDIENCE'),
  },
  health: {
    region: awsRegion,
    tableName: required('TABLE_NAME'),
    healthPath: healthPathVariable,
    timeoutMs: {
      name: 'HEALTH_TIMEOUT_MS',
      source: 'construct',
      read: integer(50, 10_000),
      expected: 'an integer 50-10000',
      default: 1000,
    },
  },
  heartbeat: {
    region: awsRegion,
    regions: appRegions,
    tableName: required('TABLE_NAME'),
    appName: required('APP_NAME'),
    graceMs: {
      name: 'DIVERGENCE_GRACE_MS',
      source: 'construct',
      read: integer(1000),
      expected: 'an integer of at least 1000',
      default: 300_000,
    },
  },
  'conflict feed': {
    region: awsRegion,
    regions: appRegions,
    primaryRegion,
    tableName: required('TABLE_NAME'),
    appName: required('APP_NAME'),
  },
  'health check lookup': {},
  'rollout guard': {},
};

/**
 * Powertools' own variables for the kinds that log and publish metrics through it, so any
 * Powertools utility agrees with the observability adapter (service = app name, the catalog's
 * namespace).
 */
function powertoolsVariables(appName: string): Record<string, string> {
  return { POWERTOOLS_SERVICE_NAME: appName, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE };
}

/** The kinds built with lambda/adapters/observability.ts (Powertools); the others log to the console. */
const POWERTOOLS_KINDS: ReadonlySet<FunctionKind> = new Set(['api', 'heartbeat', 'conflict feed']);

/** The environment a construct gives a function of `kind`; a bad setting fails synth, named. */
export function toEnvironment<K extends FunctionKind>(
  kind: K,
  settings: EnvironmentInputs[K],
): Record<string, string> {
  const spec = FUNCTION_VARIABLES[kind] as VariableSpec<FunctionEnvironments[K]>;
  const variables = writeVariables(
    kind,
    spec,
    settings as unknown as Partial<FunctionEnvironments[K]>,
  );
  const appName = (settings as { readonly appName?: string }).appName;
  return POWERTOOLS_KINDS.has(kind) && appName !== undefined
    ? { ...variables, ...powertoolsVariables(appName) }
    : variables;
}

/**
 * What a function of `kind` reads from `environment` (its `process.env`). Throws an
 * EnvironmentError naming the first missing or bad variable and saying to redeploy.
 */
export function parseEnvironment<K extends FunctionKind>(
  kind: K,
  environment: Readonly<Record<string, string | undefined>>,
): FunctionEnvironments[K] {
  return readVariables(
    FUNCTION_VARIABLES[kind] as VariableSpec<FunctionEnvironments[K]>,
    environment,
  );
}
