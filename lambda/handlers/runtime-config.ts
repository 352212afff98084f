import { parseWritePolicy, WritePolicyError, type WritePolicy } from '../domain/write-policy';
import { requiredEnv, RuntimeConfigError } from './env';

export { RuntimeConfigError } from './env';

/** Configuration the API function reads once, at cold start, from its environment. */
export interface RuntimeConfig {
  /** The region this function runs in. */
  readonly region: string;
  /** Global table name (the same in every region). */
  readonly tableName: string;
  /** Every region of the app, primary first. */
  readonly regions: readonly string[];
  /** The primary region. */
  readonly primaryRegion: string;
  /** How long the health check waits for the local replica. */
  readonly healthTimeoutMs: number;
  /** App name (metrics service). */
  readonly appName: string;
  /** Public API name; a region's own URL is `https://<region>.<publicName>`. */
  readonly publicName: string;
  /** Secrets Manager id of the session-token key (replicated to every region). */
  readonly sessionKeySecretId: string;
  /** This region's write policy (rollout phase per data domain). */
  readonly writePolicy: WritePolicy;
  /** How owner-only writes are fenced (see DynamoReplica). */
  readonly fencing: 'transaction' | 'read-then-write';
}

/** Parse the environment once; every problem is named, so a bad deploy fails loudly at init. */
export function readRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  const required = (name: string): string => requiredEnv(env, name);
  const regions = required('APP_REGIONS')
    .split(',')
    .map((region) => region.trim())
    .filter((region) => region.length > 0);
  const primaryRegion = required('PRIMARY_REGION');
  if (!regions.includes(primaryRegion)) {
    throw new RuntimeConfigError(
      `PRIMARY_REGION ${primaryRegion} is not in APP_REGIONS (${regions.join(', ')}); redeploy the stack`,
    );
  }
  const healthTimeoutMs = Number(env.HEALTH_TIMEOUT_MS ?? '1000');
  if (!Number.isInteger(healthTimeoutMs) || healthTimeoutMs < 50 || healthTimeoutMs > 10_000) {
    throw new RuntimeConfigError(
      `HEALTH_TIMEOUT_MS must be an integer 50-10000, got ${JSON.stringify(env.HEALTH_TIMEOUT_MS)}`,
    );
  }
  let writePolicy: WritePolicy;
  try {
    writePolicy = parseWritePolicy(required('WRITE_POLICY'));
  } catch (error) {
    if (error instanceof WritePolicyError) {
      throw new RuntimeConfigError(`WRITE_POLICY is invalid: ${error.message}; redeploy the stack`);
    }
    throw error;
  }
  const fencing = env.FENCING ?? 'transaction';
  if (fencing !== 'transaction' && fencing !== 'read-then-write') {
    throw new RuntimeConfigError(
      `FENCING must be transaction or read-then-write, got ${JSON.stringify(fencing)}; redeploy the stack`,
    );
  }
  const region = required('AWS_REGION');
  if (writePolicy.region !== region || writePolicy.primaryRegion !== primaryRegion) {
    throw new RuntimeConfigError(
      `WRITE_POLICY was built for ${writePolicy.region} (primary ${writePolicy.primaryRegion}) but this function runs in ${region} (primary ${primaryRegion}); redeploy the stack`,
    );
  }
  return {
    region,
    tableName: required('TABLE_NAME'),
    regions,
    primaryRegion,
    healthTimeoutMs,
    appName: required('APP_NAME'),
    publicName: required('PUBLIC_NAME'),
    sessionKeySecretId: required('SESSION_KEY_SECRET_ID'),
    writePolicy,
    fencing,
  };
}
