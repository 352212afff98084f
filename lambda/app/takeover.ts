/**
 * Forced takeover: an operator moves a tenant to a new home when its home is lost, without the
 * lost home's cooperation (a transfer must run at the current home; a takeover cannot). The new
 * home writes its own ownership slot with the next epoch and names the lost home, so its handoff
 * does not wait for the lost replica (lambda/app/handoff.ts). What the lost home had acknowledged
 * but not replicated arrives when it returns and surfaces as conflicting versions: money as
 * reconciliation cases, mergeable types merged. Never dropped silently.
 *
 * Operator-only by construction: `aactl tenant takeover` calls this with the operator's AWS
 * credentials against the new home's replica; the public API has no route for it.
 */
import { type HybridLogicalClock } from '../domain/hlc';
import { forceTakeover, type Ownership } from '../domain/ownership';
import type { OwnershipSlot, RegionReplica } from './ports';
import { effectiveOwnership } from './service';

/** What a takeover did, or why it did nothing. */
export type TakeoverResult =
  | {
      readonly kind: 'taken-over';
      readonly previous: Ownership;
      readonly next: Ownership;
    }
  | { readonly kind: 'already-home'; readonly ownership: Ownership }
  | { readonly kind: 'moved-on'; readonly ownership: Ownership };

/** The takeover `to` would write now (for dry runs), or why none is needed. */
export function planTakeover(
  tenantId: string,
  to: string,
  slots: readonly OwnershipSlot[],
  defaultHome: string,
  clock: HybridLogicalClock,
): TakeoverResult {
  const { ownership } = effectiveOwnership(tenantId, slots, defaultHome);
  if (ownership.home === to) return { kind: 'already-home', ownership };
  if (clock.region !== to) {
    throw new Error(`a takeover is written by the region taking over (${to}), not ${clock.region}`);
  }
  return { kind: 'taken-over', previous: ownership, next: forceTakeover(ownership, clock.now()) };
}

/** Takes `tenantId` over into `replica`'s region (its own ownership slot, next epoch). */
export async function takeOverTenant(options: {
  readonly tenantId: string;
  /** The replica of the region taking over. */
  readonly replica: RegionReplica;
  /** Every region (the fence checks every ownership slot in the new home's replica). */
  readonly regions: readonly string[];
  readonly defaultHome: string;
  /** The new home's clock. */
  readonly clock: HybridLogicalClock;
}): Promise<TakeoverResult> {
  const to = options.replica.region;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const slots = await options.replica.readOwnership(options.tenantId, { consistent: true });
    const plan = planTakeover(options.tenantId, to, slots, options.defaultHome, options.clock);
    if (plan.kind !== 'taken-over') return plan;
    const own = slots.find((slot) => slot.region === to);
    const written = await options.replica.writeOwnership(plan.next, own?.rev ?? 0, {
      tenantId: options.tenantId,
      epoch: plan.previous.epoch,
      regions: options.regions,
    });
    if (written === 'written') return plan;
    if (written === 'fenced') {
      const fresh = await options.replica.readOwnership(options.tenantId, { consistent: true });
      return {
        kind: 'moved-on',
        ownership: effectiveOwnership(options.tenantId, fresh, options.defaultHome).ownership,
      };
    }
  }
  throw new Error(`ownership of ${options.tenantId} kept changing in ${to}; retry the takeover`);
}
