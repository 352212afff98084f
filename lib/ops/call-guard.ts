import { abortError, type Sleep } from './progress';

/**
 * Every AWS call aactl makes ends: the SDK clients have connect and request timeouts
 * (cli/aws-clients.ts), and on top of that each gateway call is raced against a deadline and an
 * abort signal here, so a hung socket, an emulator that accepts connections and never answers, or
 * a fake gateway that never resolves cannot stall a command or a drill, and Ctrl-C ends the wait at
 * once. (The abandoned request ends at its own SDK timeout.)
 */

/** Attempts the SDK makes per call (its standard retry strategy). */
export const SDK_MAX_ATTEMPTS = 3;

/** Default longest wait for one AWS request (one attempt). */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/** Longest wait for a TCP (and TLS) connection. */
export function connectTimeoutOf(callTimeoutMs: number): number {
  return Math.min(3_000, callTimeoutMs);
}

/** Longest a gateway call may take: every SDK attempt at its timeout, plus backoff between them. */
export function callDeadlineOf(callTimeoutMs: number): number {
  return callTimeoutMs * SDK_MAX_ATTEMPTS + 2_000;
}

/** A call that did not answer within its deadline. */
export class CallTimeoutError extends Error {
  constructor(
    readonly call: string,
    readonly deadlineMs: number,
  ) {
    super(
      `no answer to ${call} within ${Math.round(deadlineMs / 100) / 10}s (network, endpoint or AWS not answering)`,
    );
    this.name = 'CallTimeout';
  }
}

/** How calls are bounded. */
export interface CallPolicy {
  /** Waits `ms` unless aborted (the real clock's setTimeout, or a test's fake timers). */
  readonly timer: Sleep;
  /** Longest a call may take. */
  readonly deadlineMs: number;
  /** Ends every pending call at once (Ctrl-C, or a restore's own deadline). */
  readonly signal?: AbortSignal;
}

/** Run one call within the policy: its result, or CallTimeoutError, or an AbortError. */
export async function withinPolicy<T>(
  call: string,
  run: () => Promise<T>,
  policy: CallPolicy,
): Promise<T> {
  const { signal } = policy;
  if (signal?.aborted) throw abortError();
  const stop = new AbortController();
  const pending = run();
  // The call may still settle after we stopped waiting: never leave its rejection unhandled.
  pending.catch(() => undefined);
  const racers: Promise<T>[] = [
    pending,
    policy.timer(policy.deadlineMs, stop.signal).then(
      () => Promise.reject(new CallTimeoutError(call, policy.deadlineMs)),
      () => new Promise<T>(() => undefined),
    ),
  ];
  let onAbort: (() => void) | undefined;
  if (signal !== undefined) {
    racers.push(
      new Promise<T>((_resolve, reject) => {
        onAbort = () => reject(abortError());
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    );
  }
  try {
    return await Promise.race(racers);
  } finally {
    stop.abort();
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

/** A gateway object: methods returning promises. */
type GatewayObject = object;

/**
 * The same gateways with every method bounded by the policy. Takes an object of gateways
 * (`{ route53, drain, ... }`) and wraps each function of each; other values pass through.
 */
export function guardGateways<T extends object>(gateways: T, policy: CallPolicy): T {
  const guarded: Record<string, unknown> = {};
  for (const [name, gateway] of Object.entries(gateways)) {
    guarded[name] =
      typeof gateway === 'object' && gateway !== null
        ? guardGateway(name, gateway as GatewayObject, policy)
        : gateway;
  }
  return guarded as T;
}

/** One gateway with every method bounded by the policy (`name` labels timeouts). */
export function guardGateway<G extends GatewayObject>(
  name: string,
  gateway: G,
  policy: CallPolicy,
): G {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(gateway)) {
    wrapped[key] =
      typeof value === 'function'
        ? (...args: unknown[]) =>
            withinPolicy(
              `${name}.${key}`,
              () => (value as (...inner: unknown[]) => Promise<unknown>).apply(gateway, args),
              policy,
            )
        : value;
  }
  return wrapped as G;
}

/**
 * Run `work` with a signal that aborts after `ms`: for a sequence of calls that shares one
 * deadline (each call raced against the signal ends at once when it fires).
 */
export async function withDeadline<T>(
  timer: Sleep,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const dispose = new AbortController();
  timer(ms, dispose.signal)
    .then(() => deadline.abort('deadline'))
    .catch(() => undefined);
  try {
    return await work(deadline.signal);
  } finally {
    dispose.abort();
  }
}
