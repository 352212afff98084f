/**
 * Shared fast-check settings: one seed per test file, taken from FC_SEED when set (to replay a
 * failure) and logged once (shown when a test of the file fails), so any failure can be reproduced with `FC_SEED=<seed> npx jest ...`.
 * fast-check also prints the seed and the counterexample path in every failure message.
 */
import fc from 'fast-check';

const fromEnv = process.env.FC_SEED;
if (fromEnv !== undefined && !/^-?\d+$/.test(fromEnv)) {
  throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);
}

/** The seed every property in this test file runs with. */
export const FC_SEED =
  fromEnv === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(fromEnv);

let announced = false;

/** Options for `fc.assert`: `numRuns` runs with the file's seed (announced once per file). */
export function runs(numRuns: number): fc.Parameters<unknown> {
  if (!announced) {
    announced = true;
    // Buffered by jest and shown with the file's failures only (test/setup/quiet-reporter.cjs).
    console.log(
      `fast-check seed ${FC_SEED} (replay with FC_SEED=${FC_SEED}); global config ${JSON.stringify(fc.readConfigureGlobal() ?? {})}`,
    );
  }
  return { numRuns, seed: FC_SEED };
}

/**
 * `expect(actual).toBe(expected)` for hot property loops: the same check (`Object.is`) and, when it
 * fails, the same failure, without building jest's expectation object on every passing call (each
 * `expect()` creates several hundred matcher closures: seconds over tens of thousands of runs).
 */
export function expectToBe<T>(actual: T, expected: T): void {
  if (!Object.is(actual, expected)) expect(actual).toBe(expected);
}
