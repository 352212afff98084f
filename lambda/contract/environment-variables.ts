/**
 * How one Lambda environment variable is written by the CDK app and read by a handler: its name,
 * who sets it, how its raw string is read, and what a valid value looks like. The building blocks
 * of ./environment.ts. Plain functions, not a schema library: the health function and the
 * authorizer bundle this and stay a few KB. No CDK or SDK imports.
 */

/** Thrown when a function's environment is incomplete or wrong: a deploy bug, named at cold start. */
export class EnvironmentError extends Error {
  constructor(
    /** The variable that is missing or bad. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/** Who puts a variable in the environment. */
export type VariableSource =
  /** the function's construct, through `toEnvironment()` */
  | 'construct'
  /** the stack, once it knows the value (added with `addEnvironment`) */
  | 'stack'
  /** the Lambda runtime (`AWS_REGION`): never written by the app */
  | 'lambda';

/** One variable of a function kind whose settings are `S`, holding a `T`. */
export interface Variable<T, S = unknown> {
  /** Name in the function's environment. */
  readonly name: string;
  /** Who sets it. */
  readonly source: VariableSource;
  /**
   * Reads the raw value: undefined when it is not what `expected` says. A reader that throws
   * words the problem itself (the write policy's parser does).
   */
  readonly read: (raw: string) => T | undefined;
  /** What a valid value looks like, for the message: `<NAME> must be <expected>, got ...`. */
  readonly expected: string;
  /** Writes the value. @default String(value) */
  readonly write?: (value: T) => string;
  /** The value of an absent variable. @default - the variable is required */
  readonly default?: T;
  /** A check against the variables read before it: the problem, or undefined. */
  readonly check?: (value: T, earlier: Partial<S>) => string | undefined;
}

/** Every variable of a kind, by setting, in the order a handler reads them. */
export type VariableSpec<S> = { readonly [K in keyof S]-?: Variable<S[K], S> };

const FIX = 'redeploy the stack';

/** A non-empty string, trimmed. */
export function text(raw: string): string | undefined {
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A comma-separated list of region names, e.g. `us-east-1,eu-west-1` (primary first). */
export function regionList(raw: string): string[] | undefined {
  const regions = raw
    .split(',')
    .map((region) => region.trim())
    .filter((region) => region.length > 0);
  return regions.length === 0 ? undefined : regions;
}

/** A reader of an integer from `min` to `max`, written in decimal. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number | undefined => {
    const value = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
  };
}

/** A reader of one of `values`. */
export function oneOf<const V extends string>(values: readonly V[]) {
  return (raw: string): V | undefined => values.find((value) => value === raw.trim());
}

/** A reader of a URL path: starts with `/`. */
export function urlPath(raw: string): string | undefined {
  const trimmed = raw.trim();
  return trimmed.startsWith('/') ? trimmed : undefined;
}

/** Reads every variable of `spec` in order; the first missing or bad one throws, named. */
export function readVariables<S>(
  spec: VariableSpec<S>,
  environment: Readonly<Record<string, string | undefined>>,
): S {
  const settings: Partial<S> = {};
  for (const key of Object.keys(spec) as Array<keyof S>) {
    const variable = spec[key];
    const raw = environment[variable.name];
    let value: S[typeof key];
    if (raw === undefined || raw.trim() === '') {
      if (!('default' in variable)) {
        throw new EnvironmentError(
          variable.name,
          `environment variable ${variable.name} is missing; ${FIX}`,
        );
      }
      value = variable.default as S[typeof key];
    } else {
      value = readValue(variable, raw);
    }
    const problem = variable.check?.(value, settings);
    if (problem !== undefined) throw new EnvironmentError(variable.name, `${problem}; ${FIX}`);
    settings[key] = value;
  }
  return settings as S;
}

/** One value read with its variable's reader; a bad one throws, named. */
function readValue<T>(variable: Variable<T, never>, raw: string): T {
  let value: T | undefined;
  try {
    value = variable.read(raw);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    throw new EnvironmentError(variable.name, error.message);
  }
  if (value === undefined) {
    throw new EnvironmentError(
      variable.name,
      `${variable.name} must be ${variable.expected}, got ${JSON.stringify(raw)}; ${FIX}`,
    );
  }
  return value;
}

/** CDK encodes a value resolved at deploy time (a Token) as a string containing this. */
const UNRESOLVED_TOKEN = '${Token[';

/**
 * The variables of `spec` the app writes, from `input`: every one but those Lambda sets, and an
 * optional one only when given. Each written value is read back by its reader, so a bad setting
 * fails synth instead of the function's first cold start (a deploy-time value cannot be checked).
 */
export function writeVariables<S>(
  kind: string,
  spec: VariableSpec<S>,
  input: Readonly<Partial<S>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of Object.keys(spec) as Array<keyof S>) {
    const variable = spec[key];
    if (variable.source === 'lambda') continue;
    const value = input[key];
    if (value === undefined) {
      if (variable.source === 'construct' && !('default' in variable)) {
        throw new Error(`${kind} function environment needs ${String(key)} (${variable.name})`);
      }
      continue;
    }
    const raw = variable.write === undefined ? String(value) : variable.write(value);
    if (!raw.includes(UNRESOLVED_TOKEN)) {
      let problem: string | undefined;
      try {
        readValue(variable as Variable<unknown, never>, raw);
        problem = variable.check?.(value as S[typeof key], input);
      } catch (error) {
        problem = (error instanceof Error ? error.message : String(error)).replace(`; ${FIX}`, '');
      }
      if (problem !== undefined) throw new Error(`${kind} function environment: ${problem}`);
    }
    environment[variable.name] = raw;
  }
  return environment;
}
