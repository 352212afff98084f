/** Ownership use cases: the tenant's home, read and transferred (a fenced handoff). */
import { type Operation } from '../domain/catalog';
import { formatHlc } from '../domain/hlc';
import { transferOwnership } from '../domain/ownership';
import { decideWrite } from '../domain/write-decision';
import { ServiceCore } from './core';
import { AppError, conflict } from './errors';
import type { ReadResult, RequestOptions, WriteResult } from './service-types';

/**
 * The tenant's home and epoch as `at`'s replica holds them (this region's: eventually
 * consistent; another's: a consistent read), and the home it moved from after a transfer.
 */
export async function homeOf(
  core: ServiceCore,
  tenantId: string,
  at: string = core.region,
): Promise<{ home: string; epoch: number; from?: string }> {
  // a remote view is read consistently: the home's own replica is where a move away is written
  const { ownership } = await core.guard(at, () =>
    core.ownershipAt(tenantId, core.deps.replicas(at), at !== core.region),
  );
  return {
    home: ownership.home,
    epoch: ownership.epoch,
    ...(ownership.from === undefined || ownership.lost !== undefined
      ? {}
      : { from: ownership.from }),
  };
}

/** `GET /home`: the tenant's home and epoch, read at the requested consistency. */
export async function readHome(
  core: ServiceCore,
  tenantId: string,
  options: RequestOptions,
): Promise<ReadResult<{ home: string; epoch: number; explicit: boolean }>> {
  const local = await core.ownershipAt(tenantId, core.deps.replicas(core.region), true);
  const served =
    options.consistency === 'strong' && local.ownership.home !== core.region
      ? local.ownership.home
      : core.region;
  const view =
    served === core.region
      ? local
      : await core.guard(served, () =>
          core.ownershipAt(tenantId, core.deps.replicas(served), true),
        );
  return {
    value: {
      home: view.ownership.home,
      epoch: view.ownership.epoch,
      explicit: view.explicit,
    },
    version: view.explicit ? formatHlc(view.ownership.hlc) : undefined,
    servedRegion: served,
    homeRegion: view.ownership.home,
    consistency: options.consistency === 'strong' ? 'strong' : 'local',
    stalenessMs: served === view.ownership.home ? 0 : await core.localStaleness(),
  };
}

/**
 * `PUT /home`: moves the tenant's home to `to` and bumps the epoch. Always runs at the current
 * home (forwarded there, or refused with 421 when the caller asks), fenced by the current epoch,
 * so a region acting on an old epoch can never transfer.
 */
export async function transferHome(
  core: ServiceCore,
  tenantId: string,
  to: string,
  options: RequestOptions,
): Promise<WriteResult<{ home: string; epoch: number }>> {
  if (!core.deps.regions.includes(to)) {
    throw new AppError(
      422,
      'unknown_region',
      `home region must be one of ${core.deps.regions.join(', ')}, got ${JSON.stringify(to)}`,
    );
  }
  const local = core.deps.replicas(core.region);
  const { ownership } = await core.ownershipAt(tenantId, local, true);
  // After a DynamoDB call: its answer is how this region learns its clock is fixed.
  core.assertOwnClock('ownership.transfer');
  const operation: Operation = 'ownership.transfer';
  // Ownership operations are decided by the tenant's home in every phase (a transfer must be
  // written by the current home), so the decision uses the home-owned semantics of read-local.
  const decision = decideWrite({
    phase: 'read-local',
    region: core.region,
    primaryRegion: core.deps.policy.primaryRegion,
    home: ownership.home,
    operation,
    limitedWriteClasses: core.deps.policy.limitedWriteClasses,
    whenNotOwner: options.whenNotOwner,
  });
  if (decision.kind === 'reject') {
    throw core.refuse(
      decision.owner,
      `${operation} runs in the tenant's home region ${decision.owner}`,
      options,
    );
  }
  const target = decision.kind === 'local' ? core.region : decision.owner;
  const replica = core.deps.replicas(target);
  for (let attempt = 1; attempt <= core.maxWriteAttempts; attempt += 1) {
    const current = await core.guard(target, () => core.ownershipAt(tenantId, replica, true));
    if (current.ownership.home !== target) {
      throw core.refuse(
        current.ownership.home,
        `tenant ${tenantId} moved to ${current.ownership.home} while this transfer was in flight`,
        options,
      );
    }
    if (to === current.ownership.home) {
      throw new AppError(
        422,
        'already_home',
        `tenant ${tenantId} is already homed in ${to}; pick another region`,
      );
    }
    const clock = core.clockFor(target);
    const hlc = current.explicit ? core.receive(clock, current.ownership.hlc) : clock.now();
    const next = transferOwnership(current.ownership, to, hlc);
    const ownSlot = current.slots.find((slot) => slot.region === target);
    const result = await core.guard(target, () =>
      replica.writeOwnership(
        next,
        ownSlot?.rev ?? 0,
        core.fenceOf(tenantId, current.ownership.epoch),
      ),
    );
    if (result === 'written') {
      return core.written({ home: next.home, epoch: next.epoch }, hlc, target, next, options);
    }
    if (result === 'fenced') {
      const fresh = await core.guard(target, () => core.ownershipAt(tenantId, replica, true));
      throw core.refuse(
        fresh.ownership.home,
        `tenant ${tenantId} has a newer owner epoch ${fresh.ownership.epoch}; its home is ${fresh.ownership.home}`,
        options,
      );
    }
  }
  throw conflict('write_contention', `ownership of ${tenantId} kept changing; retry`);
}
