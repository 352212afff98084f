/**
 * Tenant ownership: each tenant has a home region and an epoch (a fencing token). Owner-only
 * writes run in the home region and carry the epoch; a transfer moves the home and bumps the epoch,
 * so a region still acting on the old epoch is refused instead of silently overwriting.
 *
 * Ownership is stored like everything else: one slot per region (`ownershipSlotKeyOf`), each
 * written only by its region, merged by taking the highest epoch (then the latest HLC). A normal
 * transfer is written by the current home into its own slot, so the old home stops before the new
 * one starts. A forced takeover (the home is unreachable) is written by the new home into its own
 * slot with the next epoch; if the old home wrote concurrently, both versions are merged
 * deterministically, and money written meanwhile becomes reconciliation cases.
 */
import { compareHlc, formatHlc, parseHlc, type HlcTimestamp } from './hlc';
import { assertRegionId, expectObject, expectPositiveCount, type JsonObject } from './json';
import { assertTenantId } from './storage-layout';

/** Who owns a tenant. */
export interface Ownership {
  /** The tenant. */
  readonly tenantId: string;
  /** The region that alone may perform owner-only writes for the tenant. */
  readonly home: string;
  /** Fencing token: bumped by every transfer; owner-only writes carry it as a condition. */
  readonly epoch: number;
  /** Stamp of the change that produced this record (orders records of equal epoch). */
  readonly hlc: HlcTimestamp;
  /**
   * Set by a forced takeover: the home that was lost. Its writes that had not replicated are not
   * waited for; they surface as conflicts (money: reconciliation cases) when it returns.
   */
  readonly lost?: string;
  /** The home it moved from (set by transfers and takeovers), for keys retried across the move. */
  readonly from?: string;
}

/** An owner-only write carried an epoch that is no longer current. */
export class StaleEpochError extends Error {
  constructor(
    readonly ownership: Ownership,
    readonly epoch: number,
  ) {
    super(
      `write for tenant ${ownership.tenantId} carries owner epoch ${epoch}, but the current epoch is ${ownership.epoch} with home ${ownership.home}; re-read ownership and send the write to ${ownership.home}`,
    );
    this.name = 'StaleEpochError';
  }
}

/** The first ownership of a tenant: epoch 1, written by `home` (stamped by its clock). */
export function initialOwnership(tenantId: string, home: string, hlc: HlcTimestamp): Ownership {
  assertTenantId(tenantId);
  assertRegionId(home, 'home region');
  return { tenantId, home, epoch: 1, hlc };
}

/**
 * Transfers a tenant to `to`. Only the current home may do it (`hlc` comes from its clock), so at
 * no time do two regions believe they are the owner: the old home writes the new record into its
 * own slot and stops at once; the new home starts when the record reaches it.
 */
export function transferOwnership(current: Ownership, to: string, hlc: HlcTimestamp): Ownership {
  assertRegionId(to, 'transfer target region');
  if (hlc.region !== current.home) {
    throw new Error(
      `tenant ${current.tenantId} can only be transferred by its home region ${current.home}, not ${hlc.region}; forward the transfer to ${current.home}`,
    );
  }
  if (to === current.home) {
    throw new Error(`tenant ${current.tenantId} is already homed in ${to}; pick another region`);
  }
  return {
    tenantId: current.tenantId,
    home: to,
    epoch: current.epoch + 1,
    hlc,
    from: current.home,
  };
}

/**
 * Takes a tenant over when its home is unreachable (operator action). Written by the new home
 * (`hlc.region`) into its own slot with the next epoch. Writes the old home makes before it learns
 * of the takeover are fenced by the epoch where the new record has arrived; money written in the
 * window surfaces as reconciliation cases, never as silent overwrites.
 */
export function forceTakeover(current: Ownership, hlc: HlcTimestamp): Ownership {
  if (hlc.region === current.home) {
    throw new Error(
      `region ${hlc.region} already owns tenant ${current.tenantId}; a takeover is made by the region taking over`,
    );
  }
  return {
    tenantId: current.tenantId,
    home: hlc.region,
    epoch: current.epoch + 1,
    hlc,
    lost: current.home,
    from: current.home,
  };
}

/** Merges ownership slots: the highest epoch wins, then the latest HLC. */
export function mergeOwnership(records: Iterable<Ownership>): Ownership | undefined {
  let winner: Ownership | undefined;
  for (const record of records) {
    if (winner !== undefined && record.tenantId !== winner.tenantId) {
      throw new Error(
        `cannot merge ownership of different tenants: ${winner.tenantId} and ${record.tenantId}`,
      );
    }
    if (
      winner === undefined ||
      record.epoch > winner.epoch ||
      (record.epoch === winner.epoch && compareHlc(record.hlc, winner.hlc) > 0)
    ) {
      winner = record;
    }
  }
  return winner;
}

/** Throws `StaleEpochError` unless `epoch` is the current one. */
export function assertCurrentEpoch(current: Ownership, epoch: number): void {
  if (epoch !== current.epoch) {
    throw new StaleEpochError(current, epoch);
  }
}

/** Serialized ownership: `{ tenant, home, epoch, hlc, lost? }`. */
export function serializeOwnership(ownership: Ownership): JsonObject {
  return {
    tenant: ownership.tenantId,
    home: ownership.home,
    epoch: ownership.epoch,
    hlc: formatHlc(ownership.hlc),
    ...(ownership.lost === undefined ? {} : { lost: ownership.lost }),
    ...(ownership.from === undefined ? {} : { from: ownership.from }),
  };
}

/** Reads serialized ownership. */
export function deserializeOwnership(json: unknown): Ownership {
  const object = expectObject(json, 'ownership');
  assertTenantId(object.tenant);
  assertRegionId(object.home, 'ownership home');
  return {
    tenantId: object.tenant,
    home: object.home,
    epoch: expectPositiveCount(object.epoch, 'ownership epoch'),
    hlc: parseHlc(object.hlc),
    ...(object.lost === undefined
      ? {}
      : { lost: (assertRegionId(object.lost, 'ownership lost home'), object.lost) }),
    ...(object.from === undefined
      ? {}
      : { from: (assertRegionId(object.from, 'ownership previous home'), object.from) }),
  };
}
