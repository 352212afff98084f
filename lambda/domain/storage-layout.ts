/**
 * Storage layout on the DynamoDB global table (string keys `pk`, `sk`; TTL attribute `expiresAt`).
 *
 * DynamoDB settles concurrent writes to one item by item-level last-writer-wins and records
 * nothing. So no item here has two writing regions: every object is a partition of per-region
 * slot items (`sk = S#<region>`), each written only by its region, and readers merge the slots.
 * Replication can delay a slot but never overwrite another region's update. See
 * docs/data-model.md for the full table.
 */
import { DATA_TYPE_NAMES, type DataType } from './catalog';
import { mergeAll, type Crdt, type CrdtCodec } from './crdt/crdt';
import { formatHlc, parseHlc, type HlcTimestamp } from './hlc';
import {
  assertRegionId,
  describeValue,
  expectArray,
  expectCount,
  expectJson,
  expectNonEmptyString,
  expectPositiveCount,
  isPlainObject,
  type JsonValue,
} from './json';

/** Identifies one stored object. */
export interface ObjectKey {
  /** Tenant that owns the object (its home region decides owner-only writes). */
  readonly tenantId: string;
  /** Data type; selects the merge policy. */
  readonly type: DataType;
  /** Object id within the tenant and type. */
  readonly objectId: string;
}

/** Primary key of one item. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** Tenant ids: 1-128 of letters, digits, `_`, `-`, `.`, `:`; not starting with `__` (reserved). */
const TENANT_ID = /^(?!__)[A-Za-z0-9_.:-]{1,128}$/;
/** Object ids: 1-256 of letters, digits, `_`, `-`, `.`, `:` (no `#`, the key separator). */
const OBJECT_ID = /^[A-Za-z0-9_.:-]{1,256}$/;

const SLOT_PREFIX = 'S#';
const TENANT_PREFIX = 'T#';

/** Throws unless `tenantId` is usable in keys. */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) {
    throw new Error(
      `tenant id must be 1-128 letters, digits, _, -, . or : and must not start with __, got ${describeValue(tenantId)}`,
    );
  }
}

/** Throws unless `key` names a declared type and usable ids. */
function assertObjectKey(key: ObjectKey): void {
  assertTenantId(key.tenantId);
  if (!(DATA_TYPE_NAMES as readonly string[]).includes(key.type)) {
    throw new Error(
      `data type must be one of ${DATA_TYPE_NAMES.join(', ')}, got ${describeValue(key.type)}`,
    );
  }
  if (typeof key.objectId !== 'string' || !OBJECT_ID.test(key.objectId)) {
    throw new Error(
      `object id must be 1-256 letters, digits, _, -, . or :, got ${describeValue(key.objectId)}`,
    );
  }
}

/** Partition key of an object: `T#<tenant>#<type>#<objectId>`; a Query on it returns every slot. */
export function objectPartitionKey(key: ObjectKey): string {
  assertObjectKey(key);
  return `${TENANT_PREFIX}${key.tenantId}#${key.type}#${key.objectId}`;
}

/** Reads an object partition key back into its parts. */
export function parseObjectPartitionKey(pk: string): ObjectKey {
  const parts = pk.split('#');
  if (parts.length !== 4 || parts[0] !== 'T') {
    throw new Error(
      `object partition key must look like T#<tenant>#<type>#<objectId>, got ${describeValue(pk)}`,
    );
  }
  const key = { tenantId: parts[1], type: parts[2], objectId: parts[3] } as ObjectKey;
  assertObjectKey(key);
  return key;
}

/** Sort key of a region's slot: `S#<region>`. */
export function slotSortKey(region: string): string {
  assertRegionId(region, 'slot region');
  return `${SLOT_PREFIX}${region}`;
}

/** Key of `region`'s slot of an object: the only item of the object that `region` writes. */
export function slotKeyOf(key: ObjectKey, region: string): ItemKey {
  return { pk: objectPartitionKey(key), sk: slotSortKey(region) };
}

/** Partition key of a tenant's ownership slots: `T#<tenant>#ownership`. */
export function ownershipPartitionKey(tenantId: string): string {
  assertTenantId(tenantId);
  return `${TENANT_PREFIX}${tenantId}#ownership`;
}

/** Key of `region`'s ownership slot of a tenant (see `ownership.ts`). */
export function ownershipSlotKeyOf(tenantId: string, region: string): ItemKey {
  return { pk: ownershipPartitionKey(tenantId), sk: slotSortKey(region) };
}

/**
 * Key of an object's reconciliation case: partition `T#<tenant>#cases`, sort key
 * `<type>#<objectId>`. One item per object: a newer set of concurrent versions supersedes the open
 * case in place, so an account never has two open cases. Written only by the tenant's home, under
 * the owner epoch (a handoff moves the writer with the authority).
 */
export function caseKeyOf(key: ObjectKey): ItemKey {
  objectPartitionKey(key);
  return {
    pk: `${TENANT_PREFIX}${key.tenantId}#cases`,
    sk: `${key.type}#${key.objectId}`,
  };
}

/** One region's slot of an object, as stored. */
export interface SlotItem extends ItemKey {
  /** Data type (also in `pk`; kept as an attribute for stream consumers and filters). */
  readonly type: DataType;
  /** The only region that writes this item (matches `sk`); stream consumers filter on it. */
  readonly region: string;
  /** Write counter of this slot; each write expects the previous value (optimistic locking). */
  readonly rev: number;
  /** HLC string of the last write (watermarks and staleness are computed from it). */
  readonly hlc: string;
  /** Serialized CRDT or multi-value register. */
  readonly state: JsonValue;
  /** Owner epoch the write was made under (owner-only writes), for audits. */
  readonly epoch?: number;
  /** TTL in epoch seconds (`expiresAt`), when the object expires. */
  readonly expiresAt?: number;
  /**
   * Ids of the most recent operations applied to this slot (newest last, at most
   * `RECENT_OPERATIONS`): a retry of an operation that had committed is recognised, not applied
   * again.
   */
  readonly ops?: readonly string[];
}

/** How many operation ids a slot keeps. */
export const RECENT_OPERATIONS = 32;

/** What a region writes into its slot. */
export interface SlotWrite {
  /** The object. */
  readonly key: ObjectKey;
  /** The writing region (the slot's only writer). */
  readonly region: string;
  /** Serialized state to store. */
  readonly state: JsonValue;
  /** Stamp of this write. */
  readonly hlc: HlcTimestamp;
  /** The slot as last read in this region; `undefined` when the region has no slot yet. */
  readonly previous?: SlotItem;
  /** Owner epoch of an owner-only write. @default - none */
  readonly epoch?: number;
  /** TTL (epoch seconds). @default - the previous slot's, else none */
  readonly expiresAt?: number;
  /** Id of the operation this write applies. @default - none recorded */
  readonly operationId?: string;
}

/** Builds the next version of a region's slot item. */
export function buildSlotItem(write: SlotWrite): SlotItem {
  const key = slotKeyOf(write.key, write.region);
  if (write.hlc.region !== write.region) {
    throw new Error(
      `slot of ${write.region} must be stamped by its own clock, got a stamp from ${write.hlc.region}`,
    );
  }
  if (write.previous !== undefined && write.previous.sk !== key.sk) {
    throw new Error(
      `region ${write.region} may only write its own slot ${key.sk}, not ${write.previous.sk}`,
    );
  }
  const expiresAt = write.expiresAt ?? write.previous?.expiresAt;
  const ops =
    write.operationId === undefined
      ? write.previous?.ops
      : [...(write.previous?.ops ?? []), write.operationId].slice(-RECENT_OPERATIONS);
  return {
    ...key,
    type: write.key.type,
    region: write.region,
    rev: (write.previous?.rev ?? 0) + 1,
    hlc: formatHlc(write.hlc),
    state: write.state,
    // a later write of the same slot keeps the epoch: the slot still holds what it was caught up on
    ...((write.epoch ?? write.previous?.epoch) === undefined
      ? {}
      : { epoch: (write.epoch ?? write.previous?.epoch) as number }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(ops === undefined || ops.length === 0 ? {} : { ops }),
  };
}

/**
 * DynamoDB condition for writing `next`: the slot must still be at the revision it was read at
 * (or not exist yet), so two invocations in one region cannot overwrite each other either.
 */
export function slotWriteCondition(next: SlotItem): {
  readonly conditionExpression: string;
  readonly expressionAttributeValues: Readonly<Record<string, number>>;
} {
  return next.rev === 1
    ? { conditionExpression: 'attribute_not_exists(pk)', expressionAttributeValues: {} }
    : {
        conditionExpression: 'rev = :expectedRev',
        expressionAttributeValues: { ':expectedRev': next.rev - 1 },
      };
}

/** Checks a raw item read from the table and returns it as a slot item. */
export function parseSlotItem(raw: unknown): SlotItem {
  if (!isPlainObject(raw)) {
    throw new Error(`slot item must be an object, got ${describeValue(raw)}`);
  }
  const key = parseObjectPartitionKey(String(raw.pk));
  assertRegionId(raw.region, 'slot item region');
  if (raw.sk !== slotSortKey(raw.region)) {
    throw new Error(
      `slot item ${String(raw.pk)} ${describeValue(raw.sk)} claims region ${raw.region}; a slot is written only by the region in its sort key`,
    );
  }
  if (raw.type !== key.type) {
    throw new Error(
      `slot item ${String(raw.pk)} has type ${describeValue(raw.type)} but its key says ${key.type}`,
    );
  }
  const item: SlotItem = {
    pk: String(raw.pk),
    sk: raw.sk,
    type: key.type,
    region: raw.region,
    rev: expectPositiveCount(raw.rev, 'slot item rev'),
    hlc: formatHlc(parseHlc(raw.hlc)),
    state: expectJson(raw.state, 'slot item state'),
    ...(raw.epoch === undefined ? {} : { epoch: expectCount(raw.epoch, 'slot item epoch') }),
    ...(raw.expiresAt === undefined
      ? {}
      : { expiresAt: expectCount(raw.expiresAt, 'slot item expiresAt') }),
    ...(raw.ops === undefined
      ? {}
      : {
          ops: expectArray(raw.ops, 'slot item ops').map((id) =>
            expectNonEmptyString(id, 'slot item operation id'),
          ),
        }),
  };
  return item;
}

/** Deserializes every slot of one object and merges them: the object's state. */
export function mergeSlotItems<S extends Crdt<S>>(
  codec: CrdtCodec<S>,
  items: Iterable<SlotItem>,
): S {
  const states: S[] = [];
  let pk: string | undefined;
  for (const item of items) {
    if (pk !== undefined && item.pk !== pk) {
      throw new Error(`cannot merge slots of different objects: ${pk} and ${item.pk}`);
    }
    pk = item.pk;
    states.push(codec.deserialize(item.state));
  }
  return mergeAll(codec, states);
}

/** Whether any slot of an object records operation `operationId` as applied. */
export function hasApplied(items: Iterable<SlotItem>, operationId: string): boolean {
  for (const item of items) if (item.ops?.includes(operationId) === true) return true;
  return false;
}

/** `region`'s own slot among the slots of one object, if it has written one. */
export function ownSlotOf(items: Iterable<SlotItem>, region: string): SlotItem | undefined {
  const sk = slotSortKey(region);
  for (const item of items) {
    if (item.sk === sk) {
      return item;
    }
  }
  return undefined;
}

/**
 * Writes stop this long before an object's TTL: a TTL delete is a write by whichever replica
 * expires the item, so an update racing it could be lost to last-writer-wins. Past this margin
 * the object counts as expired and callers start a new one.
 */
export const TTL_WRITE_MARGIN_SECONDS = 24 * 60 * 60;

/** Whether any slot of an object is too close to its TTL to be written safely. */
export function isExpiring(items: Iterable<SlotItem>, nowMs: number): boolean {
  const limit = Math.floor(nowMs / 1000) + TTL_WRITE_MARGIN_SECONDS;
  for (const item of items) {
    if (item.expiresAt !== undefined && item.expiresAt <= limit) {
      return true;
    }
  }
  return false;
}
