/**
 * The convergence tests' view of a global table: the product's replication engine
 * (lambda/replication) in memory, so these tests run against the same model of DynamoDB global
 * tables as the API tests and the history checker. A local write is applied at once and queued
 * for every other region on its own; a test delivers any one queued mutation at a time, in any
 * order, holds links with partitions, and settles at the end. Last writer wins per item by the
 * engine's true time (the slot layout gives every item a single writer, so it never has to pick).
 *
 * Every item also carries a "ghost" attribute: the ids of the operations its writer had observed
 * (unioned from the items it read) plus its own. Ghosts are the test's independent record of
 * causality: operation A happened before B iff A is in B's ghost. The production code never sees
 * them (they are stripped before items reach it).
 */
import {
  parseSlotItem,
  slotSortKey,
  type ObjectKey,
  type SlotItem,
} from '../../../../lambda/domain/storage-layout';
import { objectPartitionKey } from '../../../../lambda/domain/storage-layout';
import { VirtualClock } from '../../../../lambda/replication/engine';
import { MemoryGlobalTable } from '../../../../lambda/replication/memory-table';

const GHOST = '__ghost';

/** The simulated global table. */
export class GlobalTableSim {
  private readonly table: MemoryGlobalTable;
  private readonly clock = new VirtualClock();

  constructor(readonly regions: readonly string[]) {
    this.table = new MemoryGlobalTable({ regions, clock: this.clock });
  }

  /** Slots of `key` in `region`'s replica, with the union of their ghosts. */
  read(region: string, key: ObjectKey): { items: SlotItem[]; observed: Set<number> } {
    const observed = new Set<number>();
    const items = this.table.query(region, objectPartitionKey(key), 'S#').map((raw) => {
      for (const id of raw[GHOST] as number[]) observed.add(id);
      return parseSlotItem(raw);
    });
    return { items, observed };
  }

  /** A local write in `region` under the slot's revision condition; throws if it is not its own slot. */
  write(region: string, item: SlotItem, ghost: ReadonlySet<number>): void {
    if (item.sk !== slotSortKey(region) || item.region !== region) {
      throw new Error(`region ${region} wrote ${item.pk} ${item.sk}, which is not its own slot`);
    }
    // time moves on between writes, so last-writer-wins has a true order to follow
    this.clock.advance(1);
    const written = this.table.put(
      region,
      { ...item, [GHOST]: [...ghost].sort((a, b) => a - b) },
      (current) => (item.rev === 1 ? current === undefined : current?.rev === item.rev - 1),
    );
    if (!written) {
      throw new Error(
        `conditional write failed: ${item.pk} ${item.sk} is not at rev ${item.rev - 1}`,
      );
    }
  }

  /** Number of queued (undelivered) mutations. */
  get pending(): number {
    return this.table.pending().length;
  }

  /**
   * Delivers the queued mutation at `index` (mod queue length) unless its link is cut. With
   * `duplicate`, the same mutation is applied again afterwards: a late duplicate, which
   * last-writer-wins must ignore.
   */
  deliver(index: number, duplicate: boolean): void {
    const queue = this.table.pending();
    if (queue.length === 0) return;
    const chosen = queue[index % queue.length]!;
    this.table.deliver({ to: chosen.to, where: (mutation) => mutation === chosen.mutation });
    if (duplicate) {
      this.table.engine.requeue([chosen]);
      this.table.deliver({ to: chosen.to, where: (mutation) => mutation === chosen.mutation });
    }
  }

  /** Cuts or heals the link between `from` and `to`. */
  togglePartition(from: string, to: string): void {
    if (from === to) return;
    if (this.table.engine.isCut(from, to)) this.table.heal(from, to);
    else this.table.partition(from, to);
  }

  /** Heals every partition and delivers everything still queued. */
  settle(): void {
    this.table.settle();
  }

  /** Every slot of a replica, sorted, for equality checks. */
  snapshot(region: string): SlotItem[] {
    return (JSON.parse(this.table.snapshot(region)) as Array<Record<string, unknown>>).map((raw) =>
      parseSlotItem(raw),
    );
  }
}
