/**
 * In-memory replicas of the global table, one per region, with replication under the caller's
 * control: `replicate()` copies every item (or one region's items) as DynamoDB global tables would,
 * item by item with last-writer-wins. Used by unit and fuzz tests and by benchmarks; the same
 * conditions as the DynamoDB adapters apply, so tests exercise the real write protocol.
 */
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
import { decodeCursor, encodeCursor } from './cursor';
import { caseRecordOf, openCaseItemOf, ownershipItemOf, ownershipSlotOf } from './items';
import type {
  CasePage,
  CaseRecord,
  CaseRef,
  ConditionalWriteResult,
  ConflictAnnotation,
  IdempotencyClaim,
  IdempotencyStore,
  OwnerFence,
  OwnershipSlot,
  RegionReplica,
  StoredResponse,
} from './ports';

type Item = Record<string, unknown>;

/** One region's table: pk -> sk -> item (deep-copied in and out, like a real store). */
class Table {
  readonly items = new Map<string, Map<string, Item>>();
  /** Puts and deletes so far (a cheap "was anything written?" check). */
  mutations = 0;

  get(pk: string, sk: string): Item | undefined {
    const item = this.items.get(pk)?.get(sk);
    return item === undefined ? undefined : structuredClone(item);
  }

  put(item: Item): void {
    this.mutations += 1;
    const pk = String(item.pk);
    let partition = this.items.get(pk);
    if (partition === undefined) {
      partition = new Map();
      this.items.set(pk, partition);
    }
    partition.set(String(item.sk), structuredClone(item));
  }

  delete(pk: string, sk: string): void {
    this.mutations += 1;
    this.items.get(pk)?.delete(String(sk));
  }

  query(pk: string, prefix = ''): Item[] {
    const partition = this.items.get(pk);
    if (partition === undefined) return [];
    return [...partition.keys()]
      .filter((sk) => sk.startsWith(prefix))
      .sort()
      .map((sk) => structuredClone(partition.get(sk) as Item));
  }

  all(): Item[] {
    return [...this.items.values()].flatMap((partition) =>
      [...partition.values()].map((item) => structuredClone(item)),
    );
  }
}

/** Every region's in-memory replica. */
export class MemoryWorld {
  private readonly tables = new Map<string, Table>();
  /** Regions whose replica fails every call (to simulate an isolated region). */
  readonly unreachable = new Set<string>();

  constructor(readonly regions: readonly string[]) {
    for (const region of regions) this.tables.set(region, new Table());
  }

  /** The replica of `region`. */
  replica(region: string): MemoryReplica {
    return new MemoryReplica(this, region);
  }

  /** @internal */
  table(region: string): Table {
    if (this.unreachable.has(region)) {
      throw Object.assign(new Error(`replica ${region} is unreachable`), {
        name: 'NetworkingError',
      });
    }
    const table = this.tables.get(region);
    if (table === undefined) throw new Error(`no replica in ${region}`);
    return table;
  }

  /**
   * Replicates items written in `from` (default: every region) to every other region, like
   * DynamoDB's item-level replication; `only` picks a subset (items replicate independently, so a
   * test can deliver one item before another).
   */
  replicate(from?: string, only: (item: Record<string, unknown>) => boolean = () => true): void {
    const sources = from === undefined ? this.regions : [from];
    for (const source of sources) {
      const items = this.tables.get(source)?.all() ?? [];
      for (const target of this.regions) {
        if (target === source) continue;
        const table = this.tables.get(target) as Table;
        for (const item of items) {
          if ((writerOf(item) === source || writerOf(item) === undefined) && only(item)) {
            table.put(item);
          }
        }
      }
    }
  }

  /** Puts and deletes in every region so far. */
  get mutations(): number {
    return [...this.tables.values()].reduce((sum, table) => sum + table.mutations, 0);
  }

  /** Every item of a region, sorted by key (for "nothing was written" checks). */
  snapshot(region: string): string {
    const items = (this.tables.get(region) as Table).all();
    return JSON.stringify(
      items.sort((a, b) =>
        `${String(a.pk)}|${String(a.sk)}`.localeCompare(`${String(b.pk)}|${String(b.sk)}`),
      ),
    );
  }
}

/** The region that wrote an item, for replication (slots, ownership slots, cases, keys). */
export function writerOf(item: Item): string | undefined {
  if (typeof item.region === 'string') return item.region;
  if (typeof item.writer === 'string') return item.writer;
  if (typeof item.openedBy === 'string') return item.openedBy;
  if (typeof item.writtenIn === 'string') return item.writtenIn;
  return undefined;
}

/** One region's replica in a `MemoryWorld`. */
export class MemoryReplica implements RegionReplica {
  constructor(
    private readonly world: MemoryWorld,
    readonly region: string,
  ) {}

  async readSlots(key: ObjectKey): Promise<SlotItem[]> {
    return this.table()
      .query(objectPartitionKey(key), 'S#')
      .map((item) => parseSlotItem(item));
  }

  async writeSlot(
    item: SlotItem,
    options: { fence?: OwnerFence; annotation?: ConflictAnnotation } = {},
  ): Promise<ConditionalWriteResult> {
    const table = this.table();
    if (options.fence !== undefined && this.fenced(table, options.fence, [])) return 'fenced';
    const current = table.get(item.pk, item.sk);
    const condition = slotWriteCondition(item);
    const ok =
      condition.conditionExpression === 'attribute_not_exists(pk)'
        ? current === undefined
        : current !== undefined && current.rev === item.rev - 1;
    if (!ok) return 'revision-conflict';
    table.put({ ...item, ...(options.annotation ?? {}) });
    return 'written';
  }

  async readOwnership(tenantId: string): Promise<OwnershipSlot[]> {
    return this.table().query(ownershipPartitionKey(tenantId)).map(ownershipSlotOf);
  }

  async writeOwnership(
    ownership: Ownership,
    expectedRev: number,
    fence: OwnerFence,
  ): Promise<ConditionalWriteResult> {
    const table = this.table();
    if (this.fenced(table, fence, [this.region])) return 'fenced';
    const key = ownershipSlotKeyOf(ownership.tenantId, this.region);
    const current = table.get(key.pk, key.sk);
    const ok =
      expectedRev === 0
        ? current === undefined
        : current !== undefined &&
          current.rev === expectedRev &&
          (current.epoch === undefined || Number(current.epoch) <= fence.epoch);
    if (!ok) return 'revision-conflict';
    table.put(ownershipItemOf(ownership, this.region, expectedRev + 1));
    return 'written';
  }

  async putCase(record: CaseRecord): Promise<'created' | 'exists'> {
    const table = this.table();
    const key = caseKeyOf(record, record.caseId);
    if (table.get(key.pk, key.sk) !== undefined) return 'exists';
    table.put(openCaseItemOf(record));
    return 'created';
  }

  async getCase(ref: CaseRef): Promise<CaseRecord | undefined> {
    const key = caseKeyOf(ref, ref.caseId);
    const item = this.table().get(key.pk, key.sk);
    return item === undefined ? undefined : caseRecordOf(item);
  }

  async listOpenCases(limit: number, cursor?: string): Promise<CasePage> {
    const open = this.table()
      .all()
      .filter((item) => item.gsi1pk === 'case#open')
      .sort((a, b) => String(a.gsi1sk).localeCompare(String(b.gsi1sk)));
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const start =
      after === undefined ? 0 : open.findIndex((item) => item.gsi1sk === after.gsi1sk) + 1;
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
    return this.table()
      .query(`T#${key.tenantId}#cases`, `${key.type}#${key.objectId}#`)
      .filter((item) => item.status === 'open')
      .map(caseRecordOf);
  }

  async closeCase(
    ref: CaseRef,
    resolvedAtMs: number,
    resolvedHlc: string,
  ): Promise<'closed' | 'not-open'> {
    const table = this.table();
    const key = caseKeyOf(ref, ref.caseId);
    const item = table.get(key.pk, key.sk);
    if (item === undefined || item.status !== 'open') return 'not-open';
    delete item.gsi1pk;
    delete item.gsi1sk;
    table.put({ ...item, status: 'resolved', resolvedAtMs, resolvedHlc });
    return 'closed';
  }

  private fenced(table: Table, fence: OwnerFence, skip: readonly string[]): boolean {
    return fence.regions
      .filter((region) => !skip.includes(region))
      .some((region) => {
        const key = ownershipSlotKeyOf(fence.tenantId, region);
        const slot = table.get(key.pk, key.sk);
        return slot !== undefined && Number(slot.epoch) > fence.epoch;
      });
  }

  private table(): Table {
    return this.world.table(this.region);
  }
}

/** Idempotency records in a `MemoryWorld` region (same protocol as the DynamoDB store). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly world: MemoryWorld,
    private readonly region: string,
    private readonly leaseMs = 30_000,
  ) {}

  async begin(
    scope: string,
    key: string,
    fingerprint: string,
    nowMs: number,
  ): Promise<IdempotencyClaim> {
    const table = this.world.table(this.region);
    const id = this.keyOf(scope, key);
    const item = table.get(id.pk, id.sk);
    if (
      item === undefined ||
      (item.status === 'in-progress' && Number(item.leaseUntilMs) < nowMs)
    ) {
      table.put({
        ...id,
        writtenIn: this.region,
        status: 'in-progress',
        fingerprint,
        leaseUntilMs: nowMs + this.leaseMs,
      });
      return { kind: 'claimed' };
    }
    if (item.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (item.status === 'completed')
      return { kind: 'completed', response: item.response as StoredResponse };
    return { kind: 'in-progress' };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const table = this.world.table(this.region);
    const id = this.keyOf(scope, key);
    const item = table.get(id.pk, id.sk);
    table.put({ ...(item ?? id), status: 'completed', response });
  }

  async release(scope: string, key: string): Promise<void> {
    const table = this.world.table(this.region);
    const id = this.keyOf(scope, key);
    if (table.get(id.pk, id.sk)?.status === 'in-progress') table.delete(id.pk, id.sk);
  }

  private keyOf(scope: string, key: string) {
    return { pk: `I#${scope}`, sk: `${this.region}#${key}` };
  }
}
