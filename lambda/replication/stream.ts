/**
 * A replica's change stream, shaped like a DynamoDB Streams record with NEW_AND_OLD_IMAGES: every
 * change of the replica, whether written there or replicated into it, in the order the replica
 * applied them. (DynamoDB Streams fire in every replica region for replicated writes too, so a
 * consumer must tell its own region's writes apart by an attribute of the item.)
 */
import type { Item, ItemKey } from './engine';

/** One change of one replica. */
export interface StreamRecord {
  /** Increasing within the replica's stream. */
  readonly sequenceNumber: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly keys: ItemKey;
  readonly newImage?: Item;
  readonly oldImage?: Item;
  /** When the replica applied the change (epoch ms, whole seconds as DynamoDB Streams gives). */
  readonly approximateCreationMs: number;
  /** Set on TTL deletes, as DynamoDB Streams marks them. */
  readonly userIdentity?: {
    readonly type: 'Service';
    readonly principalId: 'dynamodb.amazonaws.com';
  };
  /**
   * Not in DynamoDB Streams (the engine knows it, consumers must not rely on it): the region where
   * the change was made, and whether it arrived by replication.
   */
  readonly engine: { readonly origin: string; readonly replicated: boolean };
}

/** What a store reports when it applied a change. */
export interface AppliedChange {
  readonly key: ItemKey;
  readonly oldImage: Item | undefined;
  readonly newImage: Item | undefined;
  readonly creationMs: number;
  readonly origin: string;
  readonly replicated: boolean;
  readonly ttl: boolean;
}

/** A reader's position in a stream. */
export interface StreamReader {
  /** Records after the reader's position (at most `limit`), moving the position past them. */
  read(limit?: number): StreamRecord[];
}

/** The stream of one replica. */
export class ReplicaStream {
  private readonly records: StreamRecord[] = [];

  /** Appends a change (a delete of an absent item is no change and appends nothing). */
  append(change: AppliedChange): void {
    if (change.oldImage === undefined && change.newImage === undefined) return;
    this.records.push({
      sequenceNumber: String(this.records.length + 1).padStart(21, '0'),
      eventName:
        change.newImage === undefined
          ? 'REMOVE'
          : change.oldImage === undefined
            ? 'INSERT'
            : 'MODIFY',
      keys: change.key,
      ...(change.newImage === undefined ? {} : { newImage: change.newImage }),
      ...(change.oldImage === undefined ? {} : { oldImage: change.oldImage }),
      approximateCreationMs: Math.floor(change.creationMs / 1000) * 1000,
      ...(change.ttl
        ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const }
        : {}),
      engine: { origin: change.origin, replicated: change.replicated },
    });
  }

  /** How many records the stream holds. */
  get length(): number {
    return this.records.length;
  }

  /** Every record so far. */
  all(): readonly StreamRecord[] {
    return this.records;
  }

  /** A reader starting at the beginning (`trim horizon`) or at the end (`latest`). */
  reader(from: 'trim-horizon' | 'latest' = 'trim-horizon'): StreamReader {
    let position = from === 'latest' ? this.records.length : 0;
    return {
      read: (limit = Number.POSITIVE_INFINITY) => {
        const end = Math.min(this.records.length, position + limit);
        const batch = this.records.slice(position, end);
        position = end;
        return batch;
      },
    };
  }
}
