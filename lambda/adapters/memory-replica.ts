/**
 * `RegionReplica` and `IdempotencyStore` on a region's replica of an in-memory global table
 * (lambda/replication/memory-table.ts): the same items, keys and conditions as the DynamoDB
 * adapters, each condition checked against this region's replica only, so tests, the checker and
 * benchmarks exercise the real write protocol under the real replication model.
 *
 * Every table access is one "SDK call" and goes through `calls`, which tests use to interleave
 * concurrent requests and to inject faults (a call that fails, one that commits and then times
 * out, one the SDK retries after it had committed).
 */
import { decodeCursor, encodeCursor, OPEN_CASES_PARTITION } from '../app/cursor';
import {
  caseRecordOf,
  caseUpdateOf,
  openCaseItemOf,
  ownershipItemOf,
  ownershipSlotOf,
  recordOf,
  resolvedCaseItemOf,
} from '../app/items';
import type {
  CasePage,
  CaseQueued,
  CaseRecord,
  CaseRef,
  ConditionalWriteResult,
  ConflictAnnotation,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyStore,
  OwnerFence,
  OwnershipSlot,
  RegionReplica,
  StoredResponse,
} from '../app/ports';
import type { Ownership } from '../domain/ownership';
import {
  caseKeyOf,
  objectPartitionKey,
  ownershipPartitionKey,
  ownershipSlotKeyOf,
  parseSlotItem,
  slotWriteCondition,
  type ObjectKey,
  type SlotItem,
} from '../domain/storage-layout';
import type { Item, ItemKey } from '../replication/engine';
import type { Condition, MemoryGlobalTable, TransactionPart } from '../replication/memory-table';
import { idempotencyKeyOf } from './idempotency-keys';

/** A condition that a case item is still `current` (or still absent). */
function sameCase(current: CaseRecord | undefined): Condition {
  return (item) =>
    current === undefined
      ? item === undefined
      : item?.caseId === current.caseId && item.status === current.status;
}

/** The open-cases index, as the CDK app defines it. */
export const MEMORY_TABLE_INDEXES = [
  { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
] as const;

/** One "SDK call" against a region's replica. */
export interface ReplicaCall {
  /** The region whose replica is called. */
  readonly region: string;
  /** The region making the call (differs when a write is forwarded or a read goes remote). */
  readonly caller: string;
  /** The DynamoDB operation it stands for, e.g. `PutItem`, `TransactWriteItems`, `Query`. */
  readonly operation: string;
  /** Whether it writes. */
  readonly write: boolean;
}

/** Runs one call: at once by default; tests delay it, fail it, or run it twice. */
export type CallHook = <T>(call: ReplicaCall, run: () => T) => Promise<T>;

/** Runs every call at once, failing calls to unreachable regions. */
const DIRECT_CALLS: CallHook = async (_call, run) => run();

export interface MemoryReplicaOptions {
  readonly table: MemoryGlobalTable;
  /** The replica's region. */
  readonly region: string;
  /** The region of the process using this replica. @default - the replica's region */
  readonly caller?: string;
  /**
   * How owner-only writes are fenced, as `DynamoReplicaOptions.fencing`.
   * @default - 'read-then-write' on MRSC tables (no transactions), else 'transaction'
   */
  readonly fencing?: 'transaction' | 'read-then-write';
  /** @default DIRECT_CALLS */
  readonly calls?: CallHook;
}

/** `RegionReplica` on one region's in-memory replica. */
export class MemoryReplica implements RegionReplica {
  readonly region: string;
  private readonly table: MemoryGlobalTable;
  private readonly caller: string;
  private readonly fencing: 'transaction' | 'read-then-write';
  private readonly calls: CallHook;

  constructor(options: MemoryReplicaOptions) {
    this.table = options.table;
    this.region = options.region;
    this.caller = options.caller ?? options.region;
    this.fencing =
      options.fencing ?? (options.table.mode === 'strong' ? 'read-then-write' : 'transaction');
    this.calls = options.calls ?? DIRECT_CALLS;
  }

  async readSlots(key: ObjectKey): Promise<SlotItem[]> {
    const pk = objectPartitionKey(key);
    const items = await this.call('Query', false, () => this.table.query(this.region, pk, 'S#'));
    return items.map((item) => parseSlotItem(item));
  }

  async writeSlot(
    item: SlotItem,
    options: { fence?: OwnerFence; annotation?: ConflictAnnotation } = {},
  ): Promise<ConditionalWriteResult> {
    if (item.region !== this.region) {
      throw new Error(
        `replica ${this.region} may only write its own slots, got a slot of ${item.region}`,
      );
    }
    const condition = slotWriteCondition(item);
    const expected = condition.expressionAttributeValues[':expectedRev'];
    const put: Item = { ...item, ...(options.annotation ?? {}) };
    return this.fencedPut(
      put,
      (current) => (expected === undefined ? current === undefined : current?.rev === expected),
      options.fence,
      options.fence?.regions ?? [],
    );
  }

  async readOwnership(tenantId: string): Promise<OwnershipSlot[]> {
    const pk = ownershipPartitionKey(tenantId);
    const items = await this.call('Query', false, () => this.table.query(this.region, pk));
    return items.map(ownershipSlotOf);
  }

  async writeOwnership(
    ownership: Ownership,
    expectedRev: number,
    fence: OwnerFence,
  ): Promise<ConditionalWriteResult> {
    return this.fencedPut(
      ownershipItemOf(ownership, this.region, expectedRev + 1),
      (current) =>
        expectedRev === 0
          ? current === undefined
          : current !== undefined &&
            current.rev === expectedRev &&
            (current.epoch === undefined || Number(current.epoch) <= fence.epoch),
      fence,
      fence.regions.filter((region) => region !== this.region),
    );
  }

  async putCase(record: CaseRecord, fence?: OwnerFence): Promise<CaseQueued | 'fenced'> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = await this.getCase(record);
      const update = caseUpdateOf(current, record);
      if (update.outcome === 'exists') return 'exists';
      const written = await this.fencedPut(
        openCaseItemOf(update.record),
        sameCase(current),
        fence,
        fence?.regions ?? [],
      );
      if (written === 'fenced') return 'fenced';
      if (written === 'written') return update.outcome;
    }
    return 'exists';
  }

  async getCase(key: ObjectKey): Promise<CaseRecord | undefined> {
    const item = await this.call('GetItem', false, () =>
      this.table.get(this.region, caseKeyOf(key)),
    );
    return item === undefined ? undefined : caseRecordOf(item);
  }

  async listOpenCases(limit: number, cursor?: string): Promise<CasePage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const open = await this.call('Query', false, () =>
      this.table.queryIndex(this.region, 'gsi1', OPEN_CASES_PARTITION),
    );
    const start =
      after === undefined
        ? 0
        : open.findIndex((item) => String(item.gsi1sk) > String(after.gsi1sk)) === -1
          ? open.length
          : open.findIndex((item) => String(item.gsi1sk) > String(after.gsi1sk));
    const page = open.slice(start, start + limit);
    const last = page[page.length - 1];
    return {
      cases: page.map(caseRecordOf),
      ...(start + limit < open.length && last !== undefined
        ? {
            cursor: encodeCursor({
              pk: last.pk,
              sk: last.sk,
              gsi1pk: last.gsi1pk,
              gsi1sk: last.gsi1sk,
            }),
          }
        : {}),
    };
  }

  async listObjectCases(key: ObjectKey): Promise<CaseRecord[]> {
    const record = await this.getCase(key);
    return record?.status === 'open' ? [record] : [];
  }

  async closeCase(
    ref: CaseRef,
    resolvedAtMs: number,
    resolvedHlc: string,
    fence?: OwnerFence,
  ): Promise<'closed' | 'not-open' | 'fenced'> {
    const current = await this.getCase(ref);
    if (current?.status !== 'open' || current.caseId !== ref.caseId) return 'not-open';
    const written = await this.fencedPut(
      resolvedCaseItemOf(current, resolvedAtMs, resolvedHlc),
      sameCase(current),
      fence,
      fence?.regions ?? [],
    );
    return written === 'written' ? 'closed' : written === 'fenced' ? 'fenced' : 'not-open';
  }

  /** The put, fenced as the DynamoDB adapter fences it (one transaction, or read then write). */
  private async fencedPut(
    put: Item,
    condition: Condition,
    fence: OwnerFence | undefined,
    checkedRegions: readonly string[],
  ): Promise<ConditionalWriteResult> {
    if (fence === undefined || this.fencing === 'read-then-write') {
      if (fence !== undefined) {
        const slots = await this.readOwnership(fence.tenantId);
        if (slots.some((slot) => slot.ownership.epoch > fence.epoch)) return 'fenced';
      }
      const written = await this.call('PutItem', true, () =>
        this.table.put(this.region, put, condition),
      );
      return written ? 'written' : 'revision-conflict';
    }
    const checks: TransactionPart[] = checkedRegions.map((region) => ({
      kind: 'check',
      key: ownershipSlotKeyOf(fence.tenantId, region),
      condition: (current) => current === undefined || Number(current.epoch) <= fence.epoch,
    }));
    const result = await this.call('TransactWriteItems', true, () =>
      this.table.transact(this.region, [...checks, { kind: 'put', item: put, condition }]),
    );
    if (result.ok) return 'written';
    return result.failed.some((index) => index < checks.length) ? 'fenced' : 'revision-conflict';
  }

  private call<T>(operation: string, write: boolean, run: () => T): Promise<T> {
    return this.calls({ region: this.region, caller: this.caller, operation, write }, () => {
      this.table.assertReachable(this.region);
      return run();
    });
  }
}

/** Idempotency claims in one region's in-memory replica (the DynamoDB store's protocol). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly calls: CallHook;

  constructor(
    private readonly table: MemoryGlobalTable,
    readonly region: string,
    private readonly options: {
      readonly leaseMs?: number;
      readonly retentionSeconds?: number;
      readonly calls?: CallHook;
      /** The region of the process using the store. @default - the store's region */
      readonly caller?: string;
    } = {},
  ) {
    this.calls = options.calls ?? DIRECT_CALLS;
  }

  async begin(
    scope: string,
    key: string,
    fingerprint: string,
    nowMs: number,
  ): Promise<IdempotencyClaim> {
    const id = this.keyOf(scope, key);
    const claimed = await this.call('PutItem', true, () => {
      const previous = this.table.get(this.region, id);
      const free =
        previous === undefined ||
        (previous.fingerprint === fingerprint &&
          (previous.status === 'outcome-unknown' ||
            (previous.status === 'in-progress' && Number(previous.leaseUntilMs) < nowMs)));
      if (!free) return undefined;
      this.table.put(this.region, {
        ...id,
        status: 'in-progress',
        fingerprint,
        leaseUntilMs: nowMs + (this.options.leaseMs ?? 30_000),
        expiresAt: Math.floor(nowMs / 1000) + this.retentionSeconds,
      });
      return {
        readBack: previous?.status === 'outcome-unknown' || previous?.status === 'in-progress',
      };
    });
    if (claimed !== undefined) return { kind: 'claimed', readBack: claimed.readBack };
    const item = await this.call('GetItem', false, () => this.table.get(this.region, id));
    if (item === undefined) return { kind: 'in-progress' };
    if (item.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (item.status === 'completed' && item.response !== undefined) {
      return { kind: 'completed', response: item.response as StoredResponse };
    }
    return { kind: 'in-progress' };
  }

  async complete(
    scope: string,
    key: string,
    response: StoredResponse,
    nowMs: number,
  ): Promise<void> {
    const id = this.keyOf(scope, key);
    await this.call('UpdateItem', true, () => {
      const current = this.table.get(this.region, id);
      this.table.put(this.region, {
        ...(current ?? id),
        status: 'completed',
        response,
        expiresAt: Math.floor(nowMs / 1000) + this.retentionSeconds,
      });
    });
  }

  async release(scope: string, key: string): Promise<void> {
    // deleted, not marked: a refused request leaves nothing behind
    const id = this.keyOf(scope, key);
    await this.call('DeleteItem', true, () =>
      this.table.delete(this.region, id, (current) => current?.status === 'in-progress'),
    );
  }

  async peek(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const item = await this.call('GetItem', false, () =>
      this.table.get(this.region, this.keyOf(scope, key)),
    );
    return item === undefined ? undefined : recordOf(item);
  }

  markUnknown(scope: string, key: string): Promise<void> {
    return this.setStatusIfInProgress(scope, key, 'outcome-unknown');
  }

  private async setStatusIfInProgress(
    scope: string,
    key: string,
    status: 'outcome-unknown',
  ): Promise<void> {
    const id = this.keyOf(scope, key);
    await this.call('UpdateItem', true, () => {
      const current = this.table.get(this.region, id);
      if (current?.status !== 'in-progress') return;
      this.table.put(this.region, { ...current, status }, (now) => now === current);
    });
  }

  private get retentionSeconds(): number {
    return this.options.retentionSeconds ?? 24 * 60 * 60;
  }

  private keyOf(scope: string, key: string): ItemKey {
    return idempotencyKeyOf(this.region, scope, key);
  }

  private call<T>(operation: string, write: boolean, run: () => T): Promise<T> {
    const caller = this.options.caller ?? this.region;
    return this.calls({ region: this.region, caller, operation, write }, () => {
      this.table.assertReachable(this.region);
      return run();
    });
  }
}
