import {
  isWritableInAnyRegion,
  WRITE_CLASS_NAMES,
  WRITE_CLASSES,
} from '../../../lambda/contract/rollout';
import type { CostAssumptions } from './assumptions';
import type { Deployment } from './inputs';

/**
 * Share of writes that run outside the region they arrive in. Active-passive DNS sends everything
 * to the primary, which owns everything: nothing is forwarded. From read-local on, a write is local
 * when its class may run anywhere in its domain's phase; otherwise it goes to its owner: the
 * primary for a domain still in active-passive (requests arrive evenly over the regions), the
 * tenant's home region otherwise (`homeAffinity` of writes arrive there).
 */
export function forwardedShareOf(
  deployment: Pick<Deployment, 'regions' | 'phase' | 'domains' | 'limitedWriteClasses'>,
  assumptions: Pick<CostAssumptions, 'writeMix' | 'homeAffinity'>,
): number {
  if (deployment.phase === 'active-passive' || deployment.regions < 2) return 0;
  const total = WRITE_CLASS_NAMES.reduce((sum, name) => sum + assumptions.writeMix[name], 0);
  let forwarded = 0;
  for (const name of WRITE_CLASS_NAMES) {
    const phase = deployment.domains[WRITE_CLASSES[name]];
    const share = assumptions.writeMix[name] / total;
    if (isWritableInAnyRegion(phase, name, deployment.limitedWriteClasses)) continue;
    forwarded +=
      share *
      (phase === 'active-passive'
        ? (deployment.regions - 1) / deployment.regions
        : 1 - assumptions.homeAffinity);
  }
  return forwarded;
}
