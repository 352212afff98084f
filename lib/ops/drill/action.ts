import type { TaggedHealthCheck } from '../gateways/route53';
import type { OpsGateways } from '../live';
import type { DrillContext } from './context';
import type { DrillLock } from './lock-tag';
import type { DrillMethod } from './method';
import { longestDrillMs, type DrillOptions } from './options';

/**
 * What a drill changes and how it is put back: `invert` flips the health check's `Inverted`
 * (Route 53 control plane), `drain` sets the region's drain flag so its `/health` answers 503
 * (data plane only). The action and its undo live side by side so they cannot drift apart.
 */

/** What a drill changed: enough to undo it, whether the drill runs or only its lock is left. */
export interface RestoreTarget {
  readonly method: DrillMethod;
  readonly region: string;
  readonly healthCheckId: string;
  /** `Inverted` before the drill (what an invert drill puts back). */
  readonly originalInverted: boolean;
}

/** What a lock (taken by a running drill, or left behind by a dead one) says to undo. */
export function restoreTargetOf(lock: DrillLock, healthCheckId: string): RestoreTarget {
  return {
    method: lock.method,
    region: lock.region,
    healthCheckId,
    originalInverted: lock.originalInverted,
  };
}

/** Take the target out: invert its health check, or set its drain flag (with a TTL). */
export async function applyAction(
  ctx: Pick<DrillContext, 'gateways' | 'clock'>,
  options: DrillOptions,
  check: TaggedHealthCheck,
): Promise<void> {
  if (options.method === 'invert') {
    await ctx.gateways.route53.setInverted(check.id, !check.inverted, check.version);
    return;
  }
  const now = ctx.clock.now();
  await ctx.gateways.drain.setDrain(options.target, {
    reason: options.reason ?? `aactl drill ${options.drillId}`,
    setAt: new Date(now),
    // TTL is the safety net for a drill nobody restores; DynamoDB deletes expired items lazily.
    expiresAt: new Date(now + longestDrillMs(options)),
    drillId: options.drillId,
  });
}

/** The action as a progress line, while it runs or once done. */
export function describeAction(
  method: DrillMethod,
  region: string,
  check: TaggedHealthCheck,
  running: boolean,
): string {
  if (method === 'invert') {
    return running
      ? `Inverting health check ${check.id} of ${region} (Inverted=${!check.inverted}, version ${check.version})`
      : `Inverted health check ${check.id} of ${region}`;
  }
  return running ? `Setting the drain flag of ${region}` : `Drain flag of ${region} set`;
}

/** Put the health check / drain flag back and read it back; a string says what is still wrong. */
export async function undoAction(
  gateways: Pick<OpsGateways, 'route53' | 'drain'>,
  target: RestoreTarget,
): Promise<string | undefined> {
  if (target.method === 'invert') {
    const current = await gateways.route53.getHealthCheck(target.healthCheckId);
    if (current.inverted !== target.originalInverted) {
      await gateways.route53.setInverted(
        target.healthCheckId,
        target.originalInverted,
        current.version,
      );
    }
    const after = await gateways.route53.getHealthCheck(target.healthCheckId);
    return after.inverted === target.originalInverted
      ? undefined
      : `health check ${target.healthCheckId} still has Inverted=${after.inverted}`;
  }
  await gateways.drain.clearDrain(target.region);
  const after = await gateways.drain.getDrain(target.region);
  return after === undefined ? undefined : `drain flag of ${target.region} is still present`;
}
