import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import type { TaggedHealthCheck } from '../gateways/route53';
import type { DrillContext } from './context';
import { formatLock, type DrillLock, type LockObserver } from './lock-tag';
import { longestDrillMs, type DrillOptions } from './options';

/**
 * Taking a drill's lock: the tag (lock-tag.ts) on the target's health check, written before the
 * drill changes anything and read back to catch a drill that slipped in at the same moment.
 * Removing it is the restore's last step (restore.ts).
 */

/** Another drill holds the lock. */
export class LockHeldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockHeldError';
  }
}

/** Who observes locks: this process's view of its host. */
export function lockObserver(
  ctx: Pick<DrillContext, 'clock' | 'identity' | 'pidAlive'>,
): LockObserver {
  return {
    now: new Date(ctx.clock.now()),
    hostname: ctx.identity.hostname,
    pidAlive: ctx.pidAlive,
  };
}

/** The lock of a drill starting at `startedAtMs`: it expires when the drill must have ended. */
export function lockOf(
  ctx: Pick<DrillContext, 'identity'>,
  options: DrillOptions,
  check: Pick<TaggedHealthCheck, 'inverted'>,
  startedAtMs: number,
): DrillLock {
  return {
    drillId: options.drillId,
    pid: ctx.identity.pid,
    host: ctx.identity.hostname,
    startedAt: new Date(startedAtMs),
    until: new Date(startedAtMs + longestDrillMs(options)),
    method: options.method,
    region: options.target,
    originalInverted: check.inverted,
  };
}

/** Take the lock, then read all locks back: if another drill slipped in, back off. */
export async function acquireLock(
  ctx: Pick<DrillContext, 'gateways' | 'progress'>,
  allChecks: ReadonlyMap<string, Pick<TaggedHealthCheck, 'id'>>,
  healthCheckId: string,
  lock: DrillLock,
): Promise<void> {
  const { route53 } = ctx.gateways;
  const step = ctx.progress.start(
    `Taking the drill lock (tag ${TAG_DRILL_LOCK} on ${healthCheckId})`,
  );
  await route53.putTag(healthCheckId, TAG_DRILL_LOCK, formatLock(lock));
  const ids = [...allChecks.values()].map((check) => check.id);
  let tags: Map<string, Record<string, string>>;
  try {
    tags = await route53.getTags(ids);
  } catch (error) {
    await route53.removeTag(healthCheckId, TAG_DRILL_LOCK).catch(() => undefined);
    step.fail('Could not read the drill locks back');
    throw error;
  }
  const others = [...tags.entries()].filter(
    ([id, set]) =>
      set[TAG_DRILL_LOCK] !== undefined &&
      !(id === healthCheckId && set[TAG_DRILL_LOCK] === formatLock(lock)),
  );
  if (others.length > 0) {
    // Another drill wrote its lock at the same moment: both back off rather than both run.
    if (tags.get(healthCheckId)?.[TAG_DRILL_LOCK] === formatLock(lock)) {
      await route53.removeTag(healthCheckId, TAG_DRILL_LOCK);
    }
    step.fail('Another drill took a lock at the same time');
    throw new LockHeldError(
      `another drill took a lock at the same time (on ${others.map(([id]) => id).join(', ')}); run aactl status, then try again`,
    );
  }
  step.succeed(`Drill lock taken (${lock.drillId})`);
}
