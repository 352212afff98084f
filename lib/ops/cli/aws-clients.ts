import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Route53Client } from '@aws-sdk/client-route-53';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GLOBAL_STACK_REGION } from '../../../lambda/contract/naming';
import { connectTimeoutOf, DEFAULT_CALL_TIMEOUT_MS, SDK_MAX_ATTEMPTS } from '../call-guard';
import { createAlarmsGateway } from '../gateways/alarms';
import { createDrainGateway } from '../gateways/drain';
import { createDrillHistoryGateway } from '../gateways/drill-history';
import { createMetricsGateway } from '../gateways/metrics';
import type { OpsGateways } from '../gateways/ops-gateways';
import { createRoute53Gateway } from '../gateways/route53';
import { createStacksGateway } from '../gateways/stacks';
import { createTenantsGateway } from '../gateways/tenants';
import { usageError } from './exit-codes';

/**
 * AWS clients for every command group, in one place: the endpoint override for local emulators
 * (`--endpoint-url`, else `AACTL_ENDPOINT_URL`), the region of each client, and placeholder
 * credentials when an emulator is used without any.
 */

/** Environment variable naming the endpoint of a local emulator (moto, LocalStack). */
export const ENDPOINT_ENV = 'AACTL_ENDPOINT_URL';

/** Settings for the clients. */
export interface AwsClientOptions {
  /** Endpoint of a local emulator; every client uses it. */
  readonly endpointUrl?: string;
  /** The process environment (read for credentials when an emulator is used). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Longest wait for one request (one attempt); connecting gets at most 3 s of it.
   * @default 10 s (`DEFAULT_CALL_TIMEOUT_MS`)
   */
  readonly callTimeoutMs?: number;
}

/**
 * Creates (and caches) clients. Route 53 and the default CloudWatch client are in us-east-1: Route
 * 53 is global but served from there, and its health-check metrics live there too.
 */
export interface AwsClientFactory {
  route53(): Route53Client;
  /** A DynamoDB document client for the replica in `region`. */
  dynamodb(region: string): DynamoDBDocumentClient;
  /** A plain DynamoDB client for the replica in `region` (for the app's own adapters). */
  dynamodbClient(region: string): DynamoDBClient;
  cloudwatch(region?: string): CloudWatchClient;
  /** A CloudFormation client for the stacks in `region`. */
  cloudformation(region: string): CloudFormationClient;
}

/** The endpoint to use: the flag wins over the environment variable. */
export function resolveEndpointUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const value = flag ?? env[ENDPOINT_ENV];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The endpoint to use, checked: an http(s) URL, else a usage error naming where it came from.
 * (The SDK would fail later with an unexplained TypeError.)
 */
export function checkedEndpointUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const value = resolveEndpointUrl(flag, env);
  if (value === undefined) return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    const source = flag !== undefined ? '--endpoint-url' : ENDPOINT_ENV;
    throw usageError(
      `${source} ${JSON.stringify(value)} is not an http(s) URL; pass one such as http://127.0.0.1:5000${flag === undefined ? `, or unset ${ENDPOINT_ENV}` : ''}`,
    );
  }
  return value;
}

/** Build the client factory. */
export function createAwsClientFactory(options: AwsClientOptions): AwsClientFactory {
  const common = clientConfig(options);
  let route53: Route53Client | undefined;
  const dynamo = new Map<string, DynamoDBDocumentClient>();
  const plain = new Map<string, DynamoDBClient>();
  const plainClient = (region: string) => {
    let client = plain.get(region);
    if (client === undefined) {
      client = new DynamoDBClient({ ...common, region });
      plain.set(region, client);
    }
    return client;
  };
  const cloudwatch = new Map<string, CloudWatchClient>();
  const cloudformation = new Map<string, CloudFormationClient>();
  return {
    route53: () => (route53 ??= new Route53Client({ ...common, region: GLOBAL_STACK_REGION })),
    dynamodb(region) {
      let client = dynamo.get(region);
      if (client === undefined) {
        client = DynamoDBDocumentClient.from(plainClient(region), {
          marshallOptions: { removeUndefinedValues: true },
        });
        dynamo.set(region, client);
      }
      return client;
    },
    dynamodbClient: plainClient,
    cloudwatch(region = GLOBAL_STACK_REGION) {
      let client = cloudwatch.get(region);
      if (client === undefined) {
        client = new CloudWatchClient({ ...common, region });
        cloudwatch.set(region, client);
      }
      return client;
    },
    cloudformation(region) {
      let client = cloudformation.get(region);
      if (client === undefined) {
        client = new CloudFormationClient({ ...common, region });
        cloudformation.set(region, client);
      }
      return client;
    },
  };
}

/** The gateways on real (or emulated) AWS. */
export function createAwsGateways(
  factory: AwsClientFactory,
  tableName: string,
  regions: readonly string[] = [],
): OpsGateways {
  return {
    tenants: createTenantsGateway({
      client: (region) => factory.dynamodbClient(region),
      documents: (region) => factory.dynamodb(region),
      tableName,
      regions,
    }),
    route53: createRoute53Gateway(factory.route53()),
    drain: createDrainGateway((region) => factory.dynamodb(region), tableName),
    metrics: createMetricsGateway(factory.cloudwatch()),
    stacks: createStacksGateway((region) => factory.cloudformation(region)),
    alarms: createAlarmsGateway((region) => factory.cloudwatch(region)),
    history: createDrillHistoryGateway((region) => factory.dynamodb(region), tableName),
  };
}

function clientConfig(options: AwsClientOptions) {
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const bounded = {
    maxAttempts: SDK_MAX_ATTEMPTS,
    // Without these a socket that connects and never answers hangs for the SDK's default 5 min
    // (and the request timeout only warns unless told to throw).
    requestHandler: {
      connectionTimeout: connectTimeoutOf(callTimeoutMs),
      requestTimeout: callTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
  if (options.endpointUrl === undefined) return bounded;
  const { env } = options;
  const hasCredentials =
    (env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined) ||
    env.AWS_PROFILE !== undefined;
  return {
    ...bounded,
    endpoint: options.endpointUrl,
    // Emulators accept any key; without this the SDK would look for a real profile.
    ...(hasCredentials ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
}
