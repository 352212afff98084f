/**
 * The conflict feed's event source mapping, played by the hub: each region's replica stream (as
 * the replication engine reads it: local and replicated changes) filtered by the mapping's
 * `FilterCriteria`, batched (`BatchSize`, `MaximumBatchingWindowInSeconds`, scaled) and sent to
 * the region's conflict-feed function in order; a batch item failure resends from that record,
 * up to `MaximumRetryAttempts`, after which the records are dropped and counted (the DLQ). While
 * the region's host is down, records wait, as a mapping waits for its function.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ReplicaStream, StreamRecord, StreamReader } from '../../../lambda/replication/stream';
import type { StreamMappingSpec } from './deployment';
import { passesFilters } from './event-filter';

/** A Lambda DynamoDB stream event record. */
export type StreamEventRecord = Record<string, unknown> & {
  readonly dynamodb: Record<string, unknown> & { readonly SequenceNumber: string };
};

/** Convert one replica stream record as DynamoDB Streams delivers it to Lambda. */
export function toEventRecord(
  record: StreamRecord,
  region: string,
  streamArn: string,
): StreamEventRecord {
  const image = (item: Record<string, unknown> | undefined) =>
    item === undefined ? undefined : marshall(item, { removeUndefinedValues: true });
  const newImage = image(record.newImage as Record<string, unknown> | undefined);
  const oldImage = image(record.oldImage as Record<string, unknown> | undefined);
  return {
    eventID: record.sequenceNumber,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ApproximateCreationDateTime: record.approximateCreationMs / 1000,
      Keys: marshall(record.keys),
      ...(newImage === undefined ? {} : { NewImage: newImage }),
      ...(oldImage === undefined ? {} : { OldImage: oldImage }),
      SequenceNumber: record.sequenceNumber,
      SizeBytes: JSON.stringify(record.newImage ?? record.oldImage ?? {}).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity === undefined
      ? {}
      : { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } }),
  };
}

/** What the mapping needs from the hub. */
export interface MappingTarget {
  readonly region: string;
  readonly alive: () => boolean;
  readonly invoke: (event: unknown) => Promise<unknown>;
  readonly onIteratorAge: (ms: number) => void;
  readonly onDropped: (count: number) => void;
}

/** One region's mapping. */
export class StreamMapping {
  private readonly reader: StreamReader;
  private readonly queue: StreamEventRecord[] = [];
  private readonly createdMs = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private attempts = 0;
  /** Records handed to the function and acknowledged. */
  delivered = 0;

  constructor(
    stream: ReplicaStream,
    private readonly spec: StreamMappingSpec,
    private readonly target: MappingTarget,
    private readonly tickMs: number,
    private readonly streamArn: string,
  ) {
    // StartingPosition LATEST: what was written before the mapping existed is not sent
    this.reader = stream.reader('latest');
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  /** Records waiting to be sent. */
  get waiting(): number {
    return this.queue.length;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    for (const record of this.reader.read()) {
      const event = toEventRecord(record, this.target.region, this.streamArn);
      if (!passesFilters(event, this.spec.filters)) continue;
      this.queue.push(event);
      this.createdMs.set(record.sequenceNumber, record.approximateCreationMs);
    }
    if (this.queue.length === 0 || !this.target.alive()) return;
    this.busy = true;
    const batch = this.queue.slice(0, this.spec.batchSize);
    try {
      const result = (await this.target.invoke({ Records: batch })) as
        | {
            batchItemFailures?: { itemIdentifier: string }[];
          }
        | undefined;
      const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
      const failedAt =
        failed === undefined ? -1 : batch.findIndex((r) => r.dynamodb.SequenceNumber === failed);
      this.acknowledge(failedAt < 0 ? batch.length : failedAt);
      if (failedAt >= 0) this.retryOrDrop(batch.length - failedAt);
      else this.attempts = 0;
    } catch {
      // the function failed as a whole (or the host went away while it ran)
      if (this.target.alive()) this.retryOrDrop(batch.length);
    } finally {
      this.busy = false;
    }
  }

  private acknowledge(count: number): void {
    const done = this.queue.splice(0, count);
    this.delivered += done.length;
    const last = done[done.length - 1];
    if (last !== undefined) {
      const created = this.createdMs.get(last.dynamodb.SequenceNumber);
      if (created !== undefined) this.target.onIteratorAge(Math.max(0, Date.now() - created));
    }
    for (const record of done) this.createdMs.delete(record.dynamodb.SequenceNumber);
  }

  private retryOrDrop(failedCount: number): void {
    this.attempts += 1;
    const limit = this.spec.retryAttempts;
    if (limit >= 0 && this.attempts > limit) {
      const dropped = this.queue.splice(0, Math.min(failedCount, this.queue.length));
      for (const record of dropped) this.createdMs.delete(record.dynamodb.SequenceNumber);
      this.target.onDropped(dropped.length);
      this.attempts = 0;
    }
  }
}
