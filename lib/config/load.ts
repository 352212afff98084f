import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { configSchema, type AppConfig } from './schema';

/** The one CDK context key that holds the app's configuration. */
export const CONTEXT_KEY = 'activeActive';

/** Account used when neither config nor the environment names one, so synth needs no credentials. */
export const PLACEHOLDER_ACCOUNT = '111111111111';

/** A configuration problem, told in one line that names the key, the bad value and the fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Where config values may come from besides the raw object. */
export interface ConfigEnvironment {
  /** The account the CDK CLI resolved (CDK_DEFAULT_ACCOUNT), if any. */
  readonly defaultAccount?: string;
  /**
   * The deploy id when config does not pin one (bin/app.ts passes the synth time, so custom
   * resources that look things up at deploy time run on every deploy).
   * @default 'static' (tests and tools that never deploy)
   */
  readonly deployId?: string;
}

/** Validate raw config (the value of the context key) and resolve defaults and derived names. */
export function parseConfig(raw: unknown, env: ConfigEnvironment = {}): AppConfig {
  if (raw === undefined || raw === null) {
    throw new ConfigError(
      `config key "${CONTEXT_KEY}" is missing; add it to the "context" of cdk.json (see README, Config reference)`,
    );
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(describeIssues(result.error.issues, raw));
  }
  const parsed = result.data;
  const account = parsed.account ?? env.defaultAccount ?? PLACEHOLDER_ACCOUNT;
  const primaryFirst = [
    parsed.primaryRegion,
    ...parsed.regions.filter((region) => region !== parsed.primaryRegion),
  ];
  const retiring = parsed.retiringRegion;
  return {
    ...parsed,
    account,
    accountIsPlaceholder: account === PLACEHOLDER_ACCOUNT,
    publicName: `${parsed.api.subdomain}.${parsed.domainName}`,
    secondaryRegions: parsed.regions.filter((region) => region !== parsed.primaryRegion),
    dataRegion: parsed.dataRegion ?? parsed.primaryRegion,
    servingRegions: primaryFirst.filter((region) => region !== retiring?.region),
    stackRegions: primaryFirst.filter(
      (region) => region !== retiring?.region || retiring.step === 'out-of-dns',
    ),
    deployId: parsed.deployId ?? env.deployId ?? 'static',
  };
}

/** The minimal view of a construct node that config needs (keeps this module CDK-free). */
export interface ContextSource {
  tryGetContext(key: string): unknown;
  getAllContext(): Record<string, unknown>;
}

/**
 * Read config from CDK context: the object under `activeActive` (from cdk.json, or a JSON string
 * given with `-c activeActive='{...}'`), then any dotted overrides such as
 * `-c activeActive.primaryRegion=eu-west-1` or `-c activeActive.healthCheck.failureThreshold=3`.
 */
export function configFromContext(node: ContextSource, env: ConfigEnvironment = {}): AppConfig {
  const base = parseJsonIfString(node.tryGetContext(CONTEXT_KEY), CONTEXT_KEY);
  const overrides = Object.entries(node.getAllContext()).filter(([key]) =>
    key.startsWith(`${CONTEXT_KEY}.`),
  );
  if (overrides.length === 0) return parseConfig(base, env);
  const merged = structuredClone(isRecord(base) ? base : {});
  for (const [key, value] of overrides) {
    setPath(merged, key.slice(CONTEXT_KEY.length + 1).split('.'), parseScalar(value));
  }
  return parseConfig(merged, env);
}

/** Read config from a cdk.json file (used by the operator CLI, which has no CDK app). */
export function loadConfigFromCdkJson(
  path: string,
  overrides: Record<string, unknown> = {},
  env: ConfigEnvironment = {},
): AppConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(
      `cannot read ${path}; run from the project root or pass --cdk-json <path to cdk.json>`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message}); fix the file`);
  }
  const context = isRecord(json) && isRecord(json.context) ? json.context : {};
  const all = { ...context, ...overrides };
  return configFromContext({ tryGetContext: (key) => all[key], getAllContext: () => all }, env);
}

function describeIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  const [first] = issues;
  if (first === undefined) return `${CONTEXT_KEY} is invalid`;
  const more =
    issues.length > 1
      ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})`
      : '';
  const key = keyOf(first.path);
  if (first.code === 'unrecognized_keys') {
    const names = first.keys.map((name) => `${key}.${name}`).join(', ');
    return `${names}: unknown config key; remove it or fix its spelling (see README, Config reference)${more}`;
  }
  const value = valueAt(raw, first.path);
  const got = value === undefined ? 'nothing (the key is missing)' : JSON.stringify(value);
  return `${key} ${first.message}, got ${got}${more}`;
}

function keyOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (key, part) => (typeof part === 'number' ? `${key}[${part}]` : `${key}.${String(part)}`),
    CONTEXT_KEY,
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const part of path) {
    if (typeof current === 'string' && typeof part === 'number') {
      current = current.split(',').map((item) => item.trim())[part];
    } else if (isRecord(current) || Array.isArray(current)) {
      current = (current as Record<PropertyKey, unknown>)[part];
    } else {
      return undefined;
    }
  }
  return current;
}

function parseJsonIfString(value: unknown, key: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new ConfigError(
      `${key} given with -c must be a JSON object, got ${JSON.stringify(value.slice(0, 60))}; use -c ${key}.<field>=<value> to override one field`,
    );
  }
}

/** `-c` values arrive as strings: read numbers, booleans and JSON, keep anything else as text. */
function parseScalar(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (/^(true|false|null|-?\d+(\.\d+)?)$/.test(trimmed) || /^[[{"]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const next = target[head];
  const child = isRecord(next) ? next : {};
  target[head] = child;
  setPath(child, rest, value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
