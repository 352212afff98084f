/**
 * The benchmark harness shared by `bench/run.ts` and the suites in `bench/suites/*.ts`. A suite
 * measures its own baseline in the same run and reports ratios against it, so results compare
 * across machines; absolute times are kept for context only.
 */
import { performance } from 'node:perf_hooks';

/** One cell of a results table. */
export type BenchCell = string | number;

/** A table of results. */
export interface BenchTable {
  /** Optional heading above the table. @default - none */
  readonly title?: string;
  /** Column headings. */
  readonly columns: readonly string[];
  /** Rows, one cell per column. */
  readonly rows: readonly (readonly BenchCell[])[];
}

/** A pass/fail expectation on the results (e.g. near-linear scaling). */
export interface BenchCheck {
  /** What is expected, e.g. `or-set merge scales near-linearly (ratio <= 12)`. */
  readonly description: string;
  /** Whether the run met it. */
  readonly passed: boolean;
  /** The measured figure, e.g. `ratio 10.4`. */
  readonly detail: string;
}

/** What a suite returns. */
export interface BenchSuiteResult {
  /** Result tables (rows). */
  readonly tables: readonly BenchTable[];
  /** Expectations checked on the results. @default - none */
  readonly checks?: readonly BenchCheck[];
  /** Notes printed under the tables (method, caveats). @default - none */
  readonly notes?: readonly string[];
}

/** Helpers a suite gets from the runner. */
export interface BenchContext {
  /** Progress output (stderr, not the results file). */
  log(message: string): void;
  /** Times `operation` repeatedly and returns the median. */
  measure(operation: () => unknown, options?: MeasureOptions): Measurement;
}

/** A benchmark suite: one file in `bench/suites/` exporting `suite`. */
export interface BenchSuite {
  /** Short id used by `--only`, e.g. `crdt-merge`. */
  readonly name: string;
  /** Section heading in RESULTS.md. */
  readonly title: string;
  /** One paragraph: what is measured and against which baseline. */
  readonly description: string;
  /** Runs the suite. */
  run(context: BenchContext): BenchSuiteResult | Promise<BenchSuiteResult>;
}

/** How long to measure. */
export interface MeasureOptions {
  /** Untimed runs first (JIT warm-up). @default 2 */
  readonly warmup?: number;
  /** Fewest timed runs. @default 5 */
  readonly minSamples?: number;
  /** Most timed runs. @default 200 */
  readonly maxSamples?: number;
  /** Keep sampling until this much time was spent (after minSamples). @default 400 */
  readonly minTimeMs?: number;
}

/** Timing of one operation. */
export interface Measurement {
  /** Median duration in milliseconds. */
  readonly medianMs: number;
  /** Fastest run in milliseconds. */
  readonly minMs: number;
  /** Number of timed runs. */
  readonly samples: number;
}

/** Default `measure`: median of repeated runs after a warm-up. */
export function measure(operation: () => unknown, options: MeasureOptions = {}): Measurement {
  const warmup = options.warmup ?? 2;
  const minSamples = options.minSamples ?? 5;
  const maxSamples = options.maxSamples ?? 200;
  const minTimeMs = options.minTimeMs ?? 400;
  let sink: unknown;
  for (let index = 0; index < warmup; index += 1) {
    sink = operation();
  }
  const durations: number[] = [];
  let spent = 0;
  while (durations.length < maxSamples && (durations.length < minSamples || spent < minTimeMs)) {
    const start = performance.now();
    sink = operation();
    const duration = performance.now() - start;
    durations.push(duration);
    spent += duration;
  }
  resultSink.value = sink;
  return { medianMs: median(durations), minMs: Math.min(...durations), samples: durations.length };
}

/** Median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Holds the last result so the engine cannot optimise the measured work away. */
export const resultSink: { value: unknown } = { value: undefined };

/** Formats a number with `digits` significant decimals for tables. */
export function fixed(value: number, digits = 2): string {
  return value.toFixed(digits);
}

/** p50 and p99 of `count` sequential calls (after `warmup` untimed calls), in milliseconds. */
export async function latencyPercentiles(
  count: number,
  call: (index: number) => Promise<unknown>,
  warmup = 200,
): Promise<{ p50: number; p99: number }> {
  for (let index = 0; index < warmup; index += 1) resultSink.value = await call(index);
  const durations: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    resultSink.value = await call(index);
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  const at = (share: number) =>
    durations[Math.min(durations.length - 1, Math.floor(share * durations.length))] as number;
  return { p50: at(0.5), p99: at(0.99) };
}

/** `value / baseline` for a table cell, e.g. `1.14`. */
export function ratio(value: number, baseline: number, digits = 2): string {
  return baseline > 0 ? (value / baseline).toFixed(digits) : 'n/a';
}
