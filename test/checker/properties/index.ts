/**
 * The promises of the API, (a) to (g), each judged by one check on a recorded history and the
 * final state (see ./state.ts for what they read and how real-time order is decided).
 */
export { checkClocks } from './clocks';
export { checkConvergence, checkCrdts } from './convergence';
export { checkIdempotency, idempotencyWindow } from './idempotency';
export { checkLedger } from './ledger';
export { checkOneOwner } from './one-owner';
export { checkReads } from './reads';
export { pathOf, type FinalState, type WorldFacts } from './state';
