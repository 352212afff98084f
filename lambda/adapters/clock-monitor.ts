/**
 * How far this process's clock is off AWS time, from the `Date` header of DynamoDB's answers (AWS
 * keeps its fleet's clocks synchronized). The header has whole seconds, so one sample bounds the
 * offset within a second; the monitor keeps the last samples and reports their median, rounded
 * towards zero by that second so that a correct clock reads 0.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Samples kept. */
const SAMPLES = 9;

export class ClockMonitor {
  private readonly samples: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Records one answer's `Date` header (ignored when absent or unreadable). */
  observe(dateHeader: string | undefined): void {
    if (dateHeader === undefined) return;
    const serverMs = Date.parse(dateHeader);
    if (!Number.isFinite(serverMs)) return;
    // the server's second started at serverMs; the true offset lies in (local - serverMs - 1000, local - serverMs]
    this.samples.push(this.now() - serverMs - 500);
    if (this.samples.length > SAMPLES) this.samples.shift();
  }

  /** The measured offset (ms, + when this clock is ahead), or undefined before any answer. */
  offsetMs(): number | undefined {
    if (this.samples.length === 0) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    // within the header's resolution a clock counts as correct
    return Math.abs(median) <= 1_000 ? 0 : median - Math.sign(median) * 1_000;
  }

  /** Watches every answer of `client`. */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const response = result.response as { headers?: Record<string, string> } | undefined;
        this.observe(response?.headers?.date);
        return result;
      },
      { step: 'deserialize', name: 'aaClockMonitor' },
    );
  }
}
