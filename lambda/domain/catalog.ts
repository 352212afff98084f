/**
 * The vocabulary shared by the CDK app, the handlers and the operator CLI: rollout phases, data
 * domains and write classes. Pure constants, no dependencies, so every layer can import them.
 */

/** Rollout phases, in promotion order. */
export const ROLLOUT_PHASES = ['active-passive', 'read-local', 'limited-write', 'active-active'] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

/** Data domains (data classes); each one can be rolled out on its own. */
export const DATA_DOMAINS = ['counters', 'sets', 'profiles', 'carts', 'ledger'] as const;
export type DataDomain = (typeof DATA_DOMAINS)[number];

/** Write classes: the kinds of write operation the API accepts, each in one data domain. */
export const WRITE_CLASSES = {
  'counter.increment': 'counters',
  'set.add': 'sets',
  'set.remove': 'sets',
  'profile.put': 'profiles',
  'profile.patch': 'profiles',
  'cart.update': 'carts',
  'ledger.entry': 'ledger',
} as const satisfies Record<string, DataDomain>;
export type WriteClass = keyof typeof WRITE_CLASSES;

/** Every write class name, in a stable order. */
export const WRITE_CLASS_NAMES = Object.keys(WRITE_CLASSES) as WriteClass[];

/** Position of a phase in the promotion order (0 = active-passive). */
export function phaseIndex(phase: RolloutPhase): number {
  return ROLLOUT_PHASES.indexOf(phase);
}
