/**
 * The sandbox's settings, their defaults in one place, and their checks (one line naming the bad
 * value and the fix).
 */
import { isAbsolute, join } from 'node:path';

/** How to start a sandbox. */
export interface SandboxOptions {
  /** The project root (cdk.json, bin/, node_modules). @default process.cwd() */
  readonly root?: string;
  /** Where state, logs, the build and endpoints.json go. @default '<root>/.sandbox' */
  readonly dir?: string;
  /** The cdk.json holding the config. @default '<root>/cdk.json' */
  readonly cdkJson?: string;
  /** Config overrides as with cdk -c, e.g. `{'activeActive.rollout.phase': 'active-active'}`. @default - none */
  readonly context?: Readonly<Record<string, string>>;
  /**
   * Every interval is this share of the configured one: health-check intervals, record TTLs, the
   * heartbeat schedule, the stream mapping's batching window, alarm periods.
   * @default 1
   */
  readonly scale?: number;
  /**
   * First port: the AWS endpoint listens on it, DNS on the next one, the regions' APIs from +10.
   * 0 takes free ports.
   * @default 4566
   */
  readonly port?: number;
  /** Replication delay of every write (ms). @default 1000 x scale */
  readonly lagMs?: number;
  /** How often replication reads the streams and applies what is due (ms). @default 100 */
  readonly pumpMs?: number;
  /** Use this DynamoDB Local instead of starting one. @default - start one */
  readonly dynamoEndpoint?: string;
  /** DynamoDB Local access key naming the sandbox's databases (letters and digits). @default 'sandbox' */
  readonly namespace?: string;
  /** Where a DNS client without an EDNS client subnet is. @default - the primary region */
  readonly clientRegion?: string;
  /** How long a health checker waits for an answer (ms). @default min(2000, interval x scale / 2) */
  readonly checkerTimeoutMs?: number;
  /** Progress lines. @default - none */
  readonly log?: (line: string) => void;
}

/** The settings with every default applied. */
export interface ResolvedSandboxOptions {
  readonly root: string;
  readonly dir: string;
  readonly cdkJson: string;
  readonly context: Readonly<Record<string, string>>;
  readonly scale: number;
  readonly port: number;
  readonly lagMs: number;
  readonly pumpMs: number;
  readonly dynamoEndpoint?: string;
  readonly namespace: string;
  readonly clientRegion?: string;
  readonly checkerTimeoutMs?: number;
  readonly log: (line: string) => void;
}

/** The default first port (LocalStack's, so tools that know it find the endpoint). */
export const DEFAULT_PORT = 4566;

/** Apply defaults and check every value. */
export function resolveSandboxOptions(options: SandboxOptions = {}): ResolvedSandboxOptions {
  const root = options.root ?? process.cwd();
  const absolute = (path: string) => (isAbsolute(path) ? path : join(root, path));
  const scale = options.scale ?? 1;
  if (!(scale >= 0.01 && scale <= 10)) {
    throw new Error(`sandbox scale must be between 0.01 and 10, got ${scale}`);
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_000) {
    throw new Error(`sandbox port must be 0 (free ports) or 1024-65000, got ${port}`);
  }
  const lagMs = options.lagMs ?? Math.round(1000 * scale);
  if (!(lagMs >= 0)) throw new Error(`sandbox lag must be 0 ms or more, got ${lagMs}`);
  const namespace = options.namespace ?? 'sandbox';
  if (!/^[A-Za-z0-9]{1,64}$/.test(namespace)) {
    throw new Error(
      `sandbox namespace must be 1-64 letters and digits (a DynamoDB Local access key), got ${JSON.stringify(namespace)}`,
    );
  }
  return {
    root,
    dir: absolute(options.dir ?? '.sandbox'),
    cdkJson: absolute(options.cdkJson ?? 'cdk.json'),
    context: options.context ?? {},
    scale,
    port,
    lagMs,
    pumpMs: options.pumpMs ?? 100,
    ...(options.dynamoEndpoint === undefined ? {} : { dynamoEndpoint: options.dynamoEndpoint }),
    namespace,
    ...(options.clientRegion === undefined ? {} : { clientRegion: options.clientRegion }),
    ...(options.checkerTimeoutMs === undefined
      ? {}
      : { checkerTimeoutMs: options.checkerTimeoutMs }),
    log: options.log ?? (() => undefined),
  };
}
