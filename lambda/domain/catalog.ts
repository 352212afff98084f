/**
 * The vocabulary shared by the CDK app, the handlers and the operator CLI: rollout phases, data
 * domains and write classes. Pure constants, no dependencies, so every layer can import them.
 */

/** Rollout phases, in promotion order. */
export const ROLLOUT_PHASES = [
  'active-passive',
  'read-local',
  'limited-write',
  'active-active',
] as const;
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

/** Whether `value` names a rollout phase. */
export function isRolloutPhase(value: unknown): value is RolloutPhase {
  return typeof value === 'string' && (ROLLOUT_PHASES as readonly string[]).includes(value);
}

/** Whether `value` names a write class. */
export function isWriteClass(value: unknown): value is WriteClass {
  return typeof value === 'string' && (WRITE_CLASS_NAMES as readonly string[]).includes(value);
}

/** Position of a phase in the promotion order (0 = active-passive). */
export function phaseIndex(phase: RolloutPhase): number {
  return ROLLOUT_PHASES.indexOf(phase);
}

/**
 * Where a write class may run once its domain allows writes outside the home region.
 * - `global`: backed by a CRDT or a domain merge, so any region may write it concurrently.
 * - `owner-only`: only the tenant's home region may write it, in every phase.
 */
export type WriteScope = 'global' | 'owner-only';

/**
 * Scope of every write class. `profile.put` replaces the whole document, a guarantee only a single
 * writer can give (a concurrent patch elsewhere would be merged into it field by field); ledger
 * entries move money, so they stay with the owner and concurrent versions become reconciliation
 * cases instead of merges.
 */
export const WRITE_CLASS_SCOPES = {
  'counter.increment': 'global',
  'set.add': 'global',
  'set.remove': 'global',
  'profile.put': 'owner-only',
  'profile.patch': 'global',
  'cart.update': 'global',
  'ledger.entry': 'owner-only',
} as const satisfies Record<WriteClass, WriteScope>;

/** Write classes any region may run once their domain allows it, in a stable order. */
export const GLOBAL_WRITE_CLASSES: readonly WriteClass[] = WRITE_CLASS_NAMES.filter(
  (name) => WRITE_CLASS_SCOPES[name] === 'global',
);

/**
 * Whether every write class of `domain` is owner-only: its objects have a single writer (the
 * tenant's home), so the home's replica, caught up after a handoff, holds every acknowledged write.
 */
export function isOwnerOnlyDomain(domain: DataDomain): boolean {
  return WRITE_CLASS_NAMES.filter((name) => WRITE_CLASSES[name] === domain).every(
    (name) => WRITE_CLASS_SCOPES[name] === 'owner-only',
  );
}

/** Operations on ownership itself: always owner-only, never listed as write classes. */
export const OWNERSHIP_OPERATIONS = ['ownership.transfer'] as const;
export type OwnershipOperation = (typeof OWNERSHIP_OPERATIONS)[number];

/** Anything a write request can do: a data write class or an ownership operation. */
export type Operation = WriteClass | OwnershipOperation;

/**
 * How a data type is stored: `crdt` types keep a CRDT state per region slot; `versioned` types keep
 * a multi-value register per region slot whose concurrent siblings a merge policy resolves.
 */
export type DataTypeStorage = 'crdt' | 'versioned';

/** What a data type declares about itself; the merge registry checks its policy against this. */
export interface DataTypeDeclaration {
  /** The data domain (rollout unit) the type belongs to. */
  readonly domain: DataDomain;
  /** How the type is stored in region slots. */
  readonly storage: DataTypeStorage;
  /** Money: concurrent versions must go to reconciliation, never be merged or dropped. */
  readonly money: boolean;
  /**
   * Why losing one of two concurrent updates is acceptable for this type, or `false` when it is
   * not. Only types with a reason may use the `lww` merge policy.
   */
  readonly toleratesLww: string | false;
}

/** Every stored data type, with its declaration. */
export const DATA_TYPES = {
  'g-counter': { domain: 'counters', storage: 'crdt', money: false, toleratesLww: false },
  'pn-counter': { domain: 'counters', storage: 'crdt', money: false, toleratesLww: false },
  'or-set': { domain: 'sets', storage: 'crdt', money: false, toleratesLww: false },
  profile: { domain: 'profiles', storage: 'versioned', money: false, toleratesLww: false },
  presence: {
    domain: 'profiles',
    storage: 'versioned',
    money: false,
    toleratesLww:
      'presence is a last-seen status refreshed by every heartbeat; a lost concurrent update is replaced by the next one',
  },
  cart: { domain: 'carts', storage: 'versioned', money: false, toleratesLww: false },
  'ledger-account': { domain: 'ledger', storage: 'versioned', money: true, toleratesLww: false },
} as const satisfies Record<string, DataTypeDeclaration>;
export type DataType = keyof typeof DATA_TYPES;

/** Every data type name, in a stable order. */
export const DATA_TYPE_NAMES = Object.keys(DATA_TYPES) as DataType[];
