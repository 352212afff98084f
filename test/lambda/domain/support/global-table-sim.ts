/**
 * A simulated DynamoDB global table for the convergence tests. Each region holds a replica; a
 * local write is applied at once and queued for every other region; replication messages can be
 * delivered in any order, delivered twice, or held back by a partition. A replica applies an
 * incoming item by item-level last-writer-wins (here: the higher `rev` of the single writer, as
 * DynamoDB's timestamps would), exactly the behaviour the slot layout must survive.
 *
 * Every item also carries a "ghost": the ids of the operations its writer had observed (unioned
 * from the items it read) plus its own. Ghosts are the test's independent record of causality:
 * operation A happened before B iff A is in B's ghost. The production code never sees them.
 */
import type { ObjectKey, SlotItem } from '../../../../lambda/domain/storage-layout';
import { objectPartitionKey, slotSortKey } from '../../../../lambda/domain/storage-layout';

/** A stored item with the test's causality record. */
export interface StoredItem {
  readonly item: SlotItem;
  readonly ghost: ReadonlySet<number>;
}

interface Message {
  readonly from: string;
  readonly to: string;
  readonly stored: StoredItem;
}

/** The simulated global table. */
export class GlobalTableSim {
  private readonly replicas = new Map<string, Map<string, StoredItem>>();
  private readonly queue: Message[] = [];
  private readonly cut = new Set<string>();
  /** Writer regions seen per item: the layout promises exactly one. */
  private readonly writers = new Map<string, Set<string>>();

  constructor(readonly regions: readonly string[]) {
    for (const region of regions) {
      this.replicas.set(region, new Map());
    }
  }

  /** Slots of `key` in `region`'s replica, with the union of their ghosts. */
  read(region: string, key: ObjectKey): { items: SlotItem[]; observed: Set<number> } {
    const pk = objectPartitionKey(key);
    const items: SlotItem[] = [];
    const observed = new Set<number>();
    for (const stored of this.replica(region).values()) {
      if (stored.item.pk === pk) {
        items.push(stored.item);
        stored.ghost.forEach((id) => observed.add(id));
      }
    }
    return { items, observed };
  }

  /** A local write in `region`; throws if the item is not `region`'s own slot. */
  write(region: string, item: SlotItem, ghost: ReadonlySet<number>): void {
    if (item.sk !== slotSortKey(region) || item.region !== region) {
      throw new Error(`region ${region} wrote ${item.pk} ${item.sk}, which is not its own slot`);
    }
    const id = `${item.pk}|${item.sk}`;
    const writers = this.writers.get(id) ?? new Set<string>();
    writers.add(region);
    this.writers.set(id, writers);
    if (writers.size > 1) {
      throw new Error(`item ${id} has more than one writing region: ${[...writers].join(', ')}`);
    }
    const previous = this.replica(region).get(id);
    if (previous !== undefined && previous.item.rev !== item.rev - 1) {
      throw new Error(
        `conditional write failed: ${id} is at rev ${previous.item.rev}, write expected ${item.rev - 1}`,
      );
    }
    const stored = { item, ghost };
    this.replica(region).set(id, stored);
    for (const to of this.regions) {
      if (to !== region) {
        this.queue.push({ from: region, to, stored });
      }
    }
  }

  /** Number of queued replication messages. */
  get pending(): number {
    return this.queue.length;
  }

  /** Delivers the message at `index` (mod queue length) unless its link is cut. */
  deliver(index: number, duplicate: boolean): void {
    if (this.queue.length === 0) {
      return;
    }
    const position = index % this.queue.length;
    const message = this.queue[position] as Message;
    if (this.cut.has(`${message.from}>${message.to}`)) {
      return;
    }
    if (!duplicate) {
      this.queue.splice(position, 1);
    }
    this.apply(message);
  }

  /** Cuts or heals the link `from -> to`. */
  togglePartition(from: string, to: string): void {
    const link = `${from}>${to}`;
    if (!this.cut.delete(link)) {
      this.cut.add(link);
    }
  }

  /** Heals every partition and delivers everything still queued, in queue order. */
  settle(): void {
    this.cut.clear();
    while (this.queue.length > 0) {
      this.apply(this.queue.shift() as Message);
    }
  }

  /** Every item of a replica, sorted, for equality checks. */
  snapshot(region: string): SlotItem[] {
    return [...this.replica(region).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, stored]) => stored.item);
  }

  private apply(message: Message): void {
    const id = `${message.stored.item.pk}|${message.stored.item.sk}`;
    const replica = this.replica(message.to);
    const current = replica.get(id);
    // Item-level last-writer-wins, as DynamoDB replication applies it.
    if (current === undefined || current.item.rev < message.stored.item.rev) {
      replica.set(id, message.stored);
    }
  }

  private replica(region: string): Map<string, StoredItem> {
    const replica = this.replicas.get(region);
    if (replica === undefined) {
      throw new Error(`no replica in ${region}`);
    }
    return replica;
  }
}
