/**
 * The promises of the API, (a) to (g), each judged by one check on a recorded history and the
 * final state (see ./state.ts for what they read and how real-time order is decided).
 */
import type { History } from '../history';
import { checkClocks } from './clocks';
import { checkConvergence, checkCrdts } from './convergence';
import { checkIdempotency } from './idempotency';
import { checkLedger } from './ledger';
import { checkOneOwner } from './one-owner';
import { checkReads } from './reads';
import type { FinalState, WorldFacts } from './state';

export { checkClocks } from './clocks';
export { checkConvergence, checkCrdts } from './convergence';
export { checkIdempotency, idempotencyWindow } from './idempotency';
export { checkLedger } from './ledger';
export { checkOneOwner } from './one-owner';
export { checkReads } from './reads';
export { pathOf, type FinalState, type WorldFacts } from './state';

/** Every promise, (a) to (g), judged on one run: the violations found (none: all kept). */
export function checkEveryPromise(run: {
  readonly history: History;
  readonly final: FinalState;
  readonly facts: WorldFacts;
}): string[] {
  return [
    ...checkConvergence(run.final),
    ...checkCrdts(run.history, run.final),
    ...checkLedger(run.history, run.final),
    ...checkOneOwner(run.history),
    ...checkReads(run.history),
    ...checkIdempotency(run.history, run.final),
    ...checkClocks(run.history, run.facts),
  ];
}
