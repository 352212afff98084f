/**
 * The merge-policy registry: every stored data type gets exactly one policy, checked once when the
 * registry is built (at module load, i.e. at cold start), so a missing or unsafe policy stops the
 * process with a configuration error instead of surprising a request.
 *
 * - `crdt`: the type is a CRDT; region slots are merged with the CRDT's own merge.
 * - `domain-merge`: concurrent siblings are merged by a function of the siblings and their HLCs.
 * - `reconcile`: concurrent siblings become a reconciliation case; never merged automatically.
 * - `lww`: the sibling with the greatest HLC wins; only for types that declare they tolerate it.
 */
import { DATA_TYPES, type DataType, type DataTypeDeclaration } from './catalog';
import type { Crdt, CrdtCodec } from './crdt/crdt';
import { GCounter, G_COUNTER } from './crdt/g-counter';
import { MVRegister, mvRegisterCodec, type Sibling } from './crdt/mv-register';
import { ORSet, OR_SET } from './crdt/or-set';
import { PNCounter, PN_COUNTER } from './crdt/pn-counter';
import type { HlcTimestamp, HybridLogicalClock } from './hlc';
import { describeValue, isPlainObject } from './json';
import { CART_CODEC, mergeCartSiblings, type Cart } from './objects/cart';
import { LEDGER_ACCOUNT_CODEC, type LedgerAccount } from './objects/ledger';
import { PRESENCE_CODEC, type Presence } from './objects/presence';
import { PROFILE_CODEC, mergeProfileSiblings, type Profile } from './objects/profile';
import { openCase, type ReconciliationCase } from './reconciliation';
import type { ValueCodec } from './value-codec';
import type { VersionVector } from './version-vector';

/** The in-memory value of every data type. */
export interface DataTypeValues {
  'g-counter': GCounter;
  'pn-counter': PNCounter;
  'or-set': ORSet;
  profile: Profile;
  presence: Presence;
  cart: Cart;
  'ledger-account': LedgerAccount;
}

/** Data types stored as CRDT states. */
export type CrdtDataType = {
  [K in DataType]: (typeof DATA_TYPES)[K]['storage'] extends 'crdt' ? K : never;
}[DataType];

/** Data types stored as multi-value registers resolved by a policy. */
export type VersionedDataType = Exclude<DataType, CrdtDataType>;

/** Policy names. */
const MERGE_POLICY_KINDS = ['crdt', 'domain-merge', 'reconcile', 'lww'] as const;
export type MergePolicyKind = (typeof MERGE_POLICY_KINDS)[number];

/** The type is a CRDT: slots merge with its own merge. */
export interface CrdtPolicy<S> {
  readonly kind: 'crdt';
  /** How to make, read and slot the CRDT's states. */
  readonly crdt: CrdtCodec<S>;
}

/** A function of the concurrent siblings (values and HLCs) that returns the merged value. */
export type DomainMerge<T> = (siblings: readonly Sibling<T>[]) => T;

/** Concurrent siblings are merged by a domain function. */
export interface DomainMergePolicy<T> {
  readonly kind: 'domain-merge';
  /** How values are stored. */
  readonly values: ValueCodec<T>;
  /** The merge; must be commutative, associative and idempotent over siblings. */
  readonly merge: DomainMerge<T>;
}

/** Concurrent siblings become a reconciliation case. */
export interface ReconcilePolicy<T> {
  readonly kind: 'reconcile';
  /** How values are stored. */
  readonly values: ValueCodec<T>;
}

/** The sibling with the greatest HLC wins; the others are dropped. */
export interface LwwPolicy<T> {
  readonly kind: 'lww';
  /** How values are stored. */
  readonly values: ValueCodec<T>;
}

/** Policies for versioned types. */
export type VersionedPolicy<T> = DomainMergePolicy<T> | ReconcilePolicy<T> | LwwPolicy<T>;

/** One policy per data type, typed by the type's value. */
export type MergePolicies = {
  readonly [K in CrdtDataType]: DataTypeValues[K] extends Crdt<DataTypeValues[K]>
    ? CrdtPolicy<DataTypeValues[K]>
    : never;
} & {
  readonly [K in VersionedDataType]: VersionedPolicy<DataTypeValues[K]>;
};

/** The project's policies. */
export const DEFAULT_MERGE_POLICIES: MergePolicies = {
  'g-counter': { kind: 'crdt', crdt: G_COUNTER },
  'pn-counter': { kind: 'crdt', crdt: PN_COUNTER },
  'or-set': { kind: 'crdt', crdt: OR_SET },
  profile: { kind: 'domain-merge', values: PROFILE_CODEC, merge: mergeProfileSiblings },
  presence: { kind: 'lww', values: PRESENCE_CODEC },
  cart: { kind: 'domain-merge', values: CART_CODEC, merge: mergeCartSiblings },
  'ledger-account': { kind: 'reconcile', values: LEDGER_ACCOUNT_CODEC },
};

/** A checked set of merge policies: one per data type, each allowed by the type's declaration. */
export class MergeRegistry {
  private readonly registerCodecs = new Map<string, CrdtCodec<MVRegister<unknown>>>();

  /** @internal use `createMergeRegistry`, which checks the policies. */
  constructor(private readonly policies: MergePolicies) {}

  /** The policy of `type`. */
  policyOf<K extends DataType>(type: K): MergePolicies[K] {
    return this.policies[type];
  }

  /** Kind of the policy of `type`. */
  kindOf(type: DataType): MergePolicyKind {
    return this.policies[type].kind;
  }

  /** The CRDT codec of a CRDT type. */
  crdtOf<K extends CrdtDataType>(type: K): CrdtCodec<DataTypeValues[K]> {
    return (this.policies[type] as unknown as CrdtPolicy<DataTypeValues[K]>).crdt;
  }

  /** The policy of a versioned type. */
  versionedPolicyOf<K extends VersionedDataType>(type: K): VersionedPolicy<DataTypeValues[K]> {
    return this.policies[type] as VersionedPolicy<DataTypeValues[K]>;
  }

  /** Codec of the multi-value register a versioned type is stored in (one per region slot). */
  registerCodecOf<K extends VersionedDataType>(type: K): CrdtCodec<MVRegister<DataTypeValues[K]>> {
    let codec = this.registerCodecs.get(type);
    if (codec === undefined) {
      codec = mvRegisterCodec(this.versionedPolicyOf(type).values) as CrdtCodec<
        MVRegister<unknown>
      >;
      this.registerCodecs.set(type, codec);
    }
    return codec as unknown as CrdtCodec<MVRegister<DataTypeValues[K]>>;
  }
}

/**
 * Builds the registry after checking that every declared data type has exactly one policy, that
 * CRDT types use `crdt` and versioned types do not, that money uses `reconcile`, and that `lww`
 * is used only by types that declare they tolerate it. Throws one error listing every problem.
 */
export function createMergeRegistry(
  policies: Readonly<Record<string, unknown>>,
  declarations: Readonly<Record<string, DataTypeDeclaration>> = DATA_TYPES,
): MergeRegistry {
  const problems: string[] = [];
  for (const type of Object.keys(declarations)) {
    const declaration = declarations[type] as DataTypeDeclaration;
    const policy = policies[type];
    if (policy === undefined) {
      problems.push(
        `data type '${type}' has no merge policy; add one (${MERGE_POLICY_KINDS.join(', ')})`,
      );
      continue;
    }
    const kind = isPlainObject(policy) ? policy.kind : undefined;
    if (!(MERGE_POLICY_KINDS as readonly unknown[]).includes(kind)) {
      problems.push(
        `data type '${type}' has merge policy kind ${describeValue(kind)}; use one of ${MERGE_POLICY_KINDS.join(', ')}`,
      );
      continue;
    }
    if (declaration.storage === 'crdt' && kind !== 'crdt') {
      problems.push(
        `data type '${type}' is stored as a crdt, so its policy must be crdt, got ${describeValue(kind)}`,
      );
    }
    if (declaration.storage === 'versioned' && kind === 'crdt') {
      problems.push(
        `data type '${type}' is versioned, so its policy must be domain-merge, reconcile or lww, got 'crdt'`,
      );
    }
    if (declaration.money && kind !== 'reconcile') {
      problems.push(
        `data type '${type}' holds money, so concurrent versions must be reconciled: use reconcile, not ${describeValue(kind)}`,
      );
    }
    if (kind === 'lww' && declaration.toleratesLww === false) {
      problems.push(
        `data type '${type}' does not declare that it tolerates losing concurrent updates, so it cannot use lww; use domain-merge or reconcile, or declare toleratesLww with a reason`,
      );
    }
  }
  for (const type of Object.keys(policies)) {
    if (!Object.hasOwn(declarations, type)) {
      problems.push(
        `merge policy given for unknown data type '${type}'; declare it in DATA_TYPES (${Object.keys(declarations).join(', ')})`,
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(`merge registry is misconfigured: ${problems.join('; ')}`);
  }
  return new MergeRegistry(policies as unknown as MergePolicies);
}

/** The project's registry, checked at module load (cold start). */
export const MERGE_REGISTRY = createMergeRegistry(DEFAULT_MERGE_POLICIES);

/** The outcome of reading a versioned object. */
export type VersionedRead<T> =
  | { readonly kind: 'missing' }
  | {
      readonly kind: 'value';
      /** The value after the policy resolved any concurrent siblings. */
      readonly value: T;
      /** The greatest HLC among the siblings it was made from. */
      readonly hlc: HlcTimestamp;
      /** The object's version vector. */
      readonly context: VersionVector;
      /** How many concurrent siblings were resolved into it (1: no conflict). */
      readonly siblings: number;
    }
  | {
      readonly kind: 'conflict';
      /** Concurrent versions of a `reconcile` type, all kept. */
      readonly reconciliation: ReconciliationCase<T>;
    };

/** Resolves a register's siblings with `policy`. */
export function resolveSiblings<T>(
  policy: VersionedPolicy<T>,
  register: MVRegister<T>,
): VersionedRead<T> {
  const siblings = register.siblings;
  const latest = siblings[siblings.length - 1];
  if (latest === undefined) {
    return { kind: 'missing' };
  }
  const read = (value: T): VersionedRead<T> => ({
    kind: 'value',
    value,
    hlc: latest.hlc,
    context: register.context,
    siblings: siblings.length,
  });
  if (siblings.length === 1) {
    return read(latest.value);
  }
  switch (policy.kind) {
    case 'domain-merge':
      return read(policy.merge(siblings));
    case 'lww':
      // Siblings are sorted by HLC, so the last one is the greatest.
      return read(latest.value);
    case 'reconcile':
      return { kind: 'conflict', reconciliation: openCase(register) as ReconciliationCase<T> };
  }
}

/** The outcome of a versioned write. */
export type VersionedWrite<T> =
  | {
      readonly kind: 'written';
      /** The register to store in the writing region's slot. */
      readonly register: MVRegister<T>;
      /** Stamp of the write (for the session token and the slot item). */
      readonly hlc: HlcTimestamp;
    }
  | {
      readonly kind: 'blocked';
      /** The open case: writes wait until a person resolves it. */
      readonly reconciliation: ReconciliationCase<T>;
    };

/**
 * Applies `update` to the resolved current value and writes the result as one version that has
 * seen every sibling. `update` also gets the write's stamp (a profile patch stamps its fields
 * with it). Stamps it with `clock` after receiving every sibling's stamp, so the new
 * version orders after all of them. A `reconcile` type with an open case is blocked: writing on
 * top would merge the conflicting versions silently.
 */
export function writeVersioned<T>(
  policy: VersionedPolicy<T>,
  register: MVRegister<T>,
  clock: HybridLogicalClock,
  update: (current: T | undefined, hlc: HlcTimestamp) => T,
): VersionedWrite<T> {
  const read = resolveSiblings(policy, register);
  if (read.kind === 'conflict') {
    return { kind: 'blocked', reconciliation: read.reconciliation };
  }
  // Siblings are sorted by HLC: receiving the last one orders the write after all of them.
  const latest = register.siblings[register.siblings.length - 1];
  const hlc = latest === undefined ? clock.now() : clock.receive(latest.hlc);
  const value = update(read.kind === 'value' ? read.value : undefined, hlc);
  return { kind: 'written', register: register.write(value, hlc), hlc };
}
