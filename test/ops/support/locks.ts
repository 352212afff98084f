import { TAG_DRILL_LOCK } from '../../../lambda/contract/naming';
import { formatLock } from '../../../lib/ops/drill/lock-tag';
import type { FakeWorld } from './fake-world';

/** Leave a drill lock on `region`'s health check, as a killed aactl would. */
export function leftoverLock(
  world: FakeWorld,
  region: string,
  extra: Partial<Parameters<typeof formatLock>[0]> = {},
) {
  world.check(region).tags[TAG_DRILL_LOCK] = formatLock({
    drillId: 'old',
    pid: 99,
    host: 'oncall',
    startedAt: new Date('2025-03-01T11:00:00Z'),
    until: new Date('2025-03-01T11:30:00Z'),
    method: 'invert',
    region,
    originalInverted: false,
    ...extra,
  });
}
