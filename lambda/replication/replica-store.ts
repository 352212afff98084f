/**
 * One region's replica of the in-memory global table (./memory-table.ts): its items by key, the
 * sparse indexes over them and its change stream. It applies a mutation only when it is newer
 * than the one it holds for that item (last writer wins, see ./engine.ts), and remembers deletes
 * as tombstones so an older put that arrives late is discarded. It stores images as given: the
 * table freezes them when they are written.
 */
import { compareVersions, itemIdOf, keyOf, type Item, type ItemKey, type Mutation } from './engine';
import { ReplicaStream } from './stream';

/** A sparse secondary index kept on two attributes (e.g. `gsi1pk` / `gsi1sk`). */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** What a replica holds for one item. */
interface Entry {
  /** The item, or `undefined` for a delete that is still remembered (a tombstone). */
  readonly item: Item | undefined;
  readonly mutation: Mutation;
}

/** One region's items, indexes and stream. */
export class ReplicaStore {
  /** Changes to this replica, local and replicated, as DynamoDB Streams shows them. */
  readonly stream = new ReplicaStream();
  private readonly partitions = new Map<string, Map<string, Entry>>();
  private readonly indexes = new Map<string, Map<string, Map<string, Item>>>();

  constructor(private readonly indexDefinitions: readonly IndexDefinition[]) {}

  /** One item (`undefined`: absent or deleted). */
  get(key: ItemKey): Item | undefined {
    return this.partitions.get(key.pk)?.get(key.sk)?.item;
  }

  /** Items of one partition, by sort key; optionally only sort keys starting with `skPrefix`. */
  query(pk: string, skPrefix = ''): Item[] {
    const partition = this.partitions.get(pk);
    if (partition === undefined) return [];
    const items: Item[] = [];
    for (const sk of [...partition.keys()].sort(compareStrings)) {
      const item = (partition.get(sk) as Entry).item;
      if (item !== undefined && sk.startsWith(skPrefix)) items.push(item);
    }
    return items;
  }

  /** Items of one partition of a sparse index, by its sort key. */
  queryIndex(index: string, partition: string): Item[] {
    const entries = this.indexes.get(index)?.get(partition);
    if (entries === undefined) return [];
    const sortKey = this.indexDefinition(index).sortKey;
    return [...entries.values()].sort((a, b) =>
      compareStrings(String(a[sortKey]), String(b[sortKey])),
    );
  }

  /** Every item. */
  scan(): Item[] {
    const items: Item[] = [];
    for (const partition of this.partitions.values()) {
      for (const entry of partition.values()) if (entry.item !== undefined) items.push(entry.item);
    }
    return items;
  }

  /** Every item, sorted by key, as one string (for equality checks). */
  snapshot(): string {
    return JSON.stringify(
      this.scan().sort((a, b) => compareStrings(itemIdOf(keyOf(a)), itemIdOf(keyOf(b)))),
    );
  }

  /**
   * Applies `mutation` unless this replica holds a newer one for the item, and records the change
   * in the stream at `nowMs`; true if applied.
   */
  apply(mutation: Mutation, replicated: boolean, nowMs: number): boolean {
    const { key } = mutation;
    const current = this.partitions.get(key.pk)?.get(key.sk);
    if (current !== undefined && compareVersions(mutation.version, current.mutation.version) <= 0) {
      return false;
    }
    let partition = this.partitions.get(key.pk);
    if (partition === undefined) {
      partition = new Map();
      this.partitions.set(key.pk, partition);
    }
    const image = mutation.image;
    partition.set(key.sk, { item: image, mutation });
    this.reindex(key, current?.item, image);
    this.stream.append({
      key,
      oldImage: current?.item,
      newImage: image,
      creationMs: nowMs,
      origin: mutation.version.origin,
      replicated,
      ttl: mutation.cause === 'ttl',
    });
    return true;
  }

  private reindex(key: ItemKey, before: Item | undefined, after: Item | undefined): void {
    const id = itemIdOf(key);
    for (const index of this.indexDefinitions) {
      let byPartition = this.indexes.get(index.name);
      if (byPartition === undefined) {
        byPartition = new Map();
        this.indexes.set(index.name, byPartition);
      }
      const oldPartition = before?.[index.partitionKey];
      if (typeof oldPartition === 'string') byPartition.get(oldPartition)?.delete(id);
      const newPartition = after?.[index.partitionKey];
      if (
        after !== undefined &&
        typeof newPartition === 'string' &&
        after[index.sortKey] !== undefined
      ) {
        let entries = byPartition.get(newPartition);
        if (entries === undefined) {
          entries = new Map();
          byPartition.set(newPartition, entries);
        }
        entries.set(id, after);
      }
    }
  }

  private indexDefinition(name: string): IndexDefinition {
    const index = this.indexDefinitions.find((definition) => definition.name === name);
    if (index === undefined) throw new Error(`no index ${name} on this table`);
    return index;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
