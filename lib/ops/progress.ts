/**
 * Progress reporting for long operations, kept abstract so planners and runners stay free of
 * terminal code: the CLI renders it as an ora spinner on a TTY, plain lines elsewhere, and tests
 * record it.
 */

/** One step in progress. */
export interface Step {
  /** Replace the step's text while it runs. */
  update(text: string): void;
  /** The step worked. */
  succeed(text?: string): void;
  /** The step failed. */
  fail(text?: string): void;
  /** The step ended with a caveat. */
  warn(text?: string): void;
}

/** Starts steps. */
export interface StepReporter {
  start(text: string): Step;
  /** A note between steps. */
  note(text: string): void;
}

/** A reporter that shows nothing. */
export const silentReporter: StepReporter = {
  start: () => ({ update() {}, succeed() {}, fail() {}, warn() {} }),
  note() {},
};

/** Time and waiting, injected so tests never really wait. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Wait `ms`; rejects with an `AbortError` as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A real, abortable sleep. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A real deadline timer that never keeps the process alive on its own: for tests in a shared
 * worker, where a deadline of a call given up on must not outlive the test. (aactl itself uses
 * `realSleep`: a pending deadline must keep it alive.)
 */
export const realTimer: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The error an aborted wait rejects with. */
export function abortError(): Error {
  const error = new Error('aborted');
  error.name = 'AbortError';
  return error;
}

/** Whether an error comes from an aborted wait. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
