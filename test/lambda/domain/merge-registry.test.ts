import { DATA_TYPE_NAMES, DATA_TYPES } from '../../../lambda/domain/catalog';
import { MVRegister } from '../../../lambda/domain/crdt/mv-register';
import { hlcTimestamp, HybridLogicalClock } from '../../../lambda/domain/hlc';
import {
  createMergeRegistry,
  DEFAULT_MERGE_POLICIES,
  MERGE_REGISTRY,
  resolveSiblings,
  writeVersioned,
} from '../../../lambda/domain/merge-registry';
import {
  CART_CODEC,
  cartLineQuantity,
  cartView,
  changeCartLine,
  emptyCart,
  mergeCarts,
  setCartLineQuantity,
} from '../../../lambda/domain/objects/cart';
import {
  applyLedgerEntry,
  LEDGER_ACCOUNT_CODEC,
  openLedgerAccount,
  type LedgerAccount,
} from '../../../lambda/domain/objects/ledger';
import type { Presence } from '../../../lambda/domain/objects/presence';
import {
  emptyProfile,
  mergeProfiles,
  patchProfile,
  profileView,
  PROFILE_CODEC,
  replaceProfile,
} from '../../../lambda/domain/objects/profile';
import { caseIdOf, resolveCase, serializeCase } from '../../../lambda/domain/reconciliation';

const T0 = 1_700_000_000_000;
const at = (offset: number, region: string) => hlcTimestamp(T0 + offset, 0, region);

describe('merge registry', () => {
  it('gives every declared data type a policy', () => {
    expect(
      Object.fromEntries(DATA_TYPE_NAMES.map((type) => [type, MERGE_REGISTRY.kindOf(type)])),
    ).toEqual({
      'g-counter': 'crdt',
      'pn-counter': 'crdt',
      'or-set': 'crdt',
      profile: 'domain-merge',
      presence: 'lww',
      cart: 'domain-merge',
      'ledger-account': 'reconcile',
    });
  });

  it('fails at startup when a type has no policy', () => {
    const { cart: _cart, ...withoutCart } = DEFAULT_MERGE_POLICIES;
    expect(() => createMergeRegistry(withoutCart)).toThrow(
      "merge registry is misconfigured: data type 'cart' has no merge policy; add one (crdt, domain-merge, reconcile, lww)",
    );
  });

  it('refuses lww for a type that does not declare it tolerates it', () => {
    expect(() =>
      createMergeRegistry({
        ...DEFAULT_MERGE_POLICIES,
        profile: { kind: 'lww', values: PROFILE_CODEC },
      }),
    ).toThrow(
      "data type 'profile' does not declare that it tolerates losing concurrent updates, so it cannot use lww; use domain-merge or reconcile, or declare toleratesLww with a reason",
    );
  });

  it('insists that money is reconciled', () => {
    expect(() =>
      createMergeRegistry({
        ...DEFAULT_MERGE_POLICIES,
        'ledger-account': {
          kind: 'domain-merge',
          values: LEDGER_ACCOUNT_CODEC,
          merge: () => openLedgerAccount('EUR'),
        },
      }),
    ).toThrow(
      'data type \'ledger-account\' holds money, so concurrent versions must be reconciled: use reconcile, not "domain-merge"',
    );
  });

  it('matches policies to storage, rejects unknown kinds and types, and lists every problem at once', () => {
    expect(() =>
      createMergeRegistry({
        ...DEFAULT_MERGE_POLICIES,
        'or-set': { kind: 'reconcile', values: CART_CODEC },
        cart: { kind: 'crdt', crdt: DEFAULT_MERGE_POLICIES['or-set'].crdt },
        presence: { kind: 'newest' },
        wishlist: { kind: 'crdt' },
      }),
    ).toThrow(
      "merge registry is misconfigured: data type 'or-set' is stored as a crdt, so its policy must be crdt, got \"reconcile\"; data type 'presence' has merge policy kind \"newest\"; use one of crdt, domain-merge, reconcile, lww; data type 'cart' is versioned, so its policy must be domain-merge, reconcile or lww, got 'crdt'; merge policy given for unknown data type 'wishlist'; declare it in DATA_TYPES (g-counter, pn-counter, or-set, profile, presence, cart, ledger-account)",
    );
  });

  it('accepts lww for a type that declares why it tolerates it', () => {
    expect(DATA_TYPES.presence.toleratesLww).toMatch(/heartbeat/);
    expect(() => createMergeRegistry(DEFAULT_MERGE_POLICIES)).not.toThrow();
  });
});

describe('versioned objects under each policy', () => {
  it('domain-merge: merges a profile field by field by HLC', () => {
    const base = MVRegister.empty(PROFILE_CODEC).write(
      patchProfile(emptyProfile(), { name: 'Ada', email: 'ada@old.example' }, at(0, 'us-east-1')),
      at(0, 'us-east-1'),
    );
    const value = (register: MVRegister<ReturnType<typeof emptyProfile>>) =>
      register.siblings[0]?.value ?? emptyProfile();
    // Concurrently: the US changes the name, Europe the email and (later) the name too.
    const us = base.write(
      patchProfile(value(base), { name: 'Ada L.' }, at(10, 'us-east-1')),
      at(10, 'us-east-1'),
    );
    const eu = base.write(
      patchProfile(
        value(base),
        { email: 'ada@new.example', name: 'Ada Lovelace' },
        at(20, 'eu-west-1'),
      ),
      at(20, 'eu-west-1'),
    );
    const read = resolveSiblings(MERGE_REGISTRY.versionedPolicyOf('profile'), us.merge(eu));
    expect(read.kind === 'value' && profileView(read.value)).toEqual({
      email: 'ada@new.example',
      name: 'Ada Lovelace',
    });
    expect(read.kind === 'value' && read.siblings).toBe(2);
  });

  it('domain-merge: adds concurrent cart quantities instead of picking one', () => {
    const us = MVRegister.empty(CART_CODEC).write(
      changeCartLine(emptyCart(), 'sku-1', 2, 'us-east-1'),
      at(1, 'us-east-1'),
    );
    const eu = MVRegister.empty(CART_CODEC).write(
      changeCartLine(emptyCart(), 'sku-1', 1, 'eu-west-1'),
      at(2, 'eu-west-1'),
    );
    const read = resolveSiblings(MERGE_REGISTRY.versionedPolicyOf('cart'), us.merge(eu));
    expect(read.kind === 'value' && cartView(read.value)).toEqual({ 'sku-1': 3 });
  });

  it('lww: keeps only the presence with the greatest HLC', () => {
    const policy = MERGE_REGISTRY.versionedPolicyOf('presence');
    const online: Presence = { status: 'online', device: 'phone' };
    const away: Presence = { status: 'away', device: 'laptop' };
    const us = MVRegister.empty(policy.values).write(online, at(5, 'us-east-1'));
    const eu = MVRegister.empty(policy.values).write(away, at(5, 'eu-west-1'));
    const read = resolveSiblings(policy, us.merge(eu));
    expect(read.kind === 'value' && read.value).toEqual(online);
  });

  describe('reconcile: money', () => {
    const policy = MERGE_REGISTRY.versionedPolicyOf('ledger-account');
    const opened = MVRegister.empty(LEDGER_ACCOUNT_CODEC).write(
      applyLedgerEntry(openLedgerAccount('EUR'), { entryId: 'e1', amount: 100 }),
      at(0, 'us-east-1'),
    );
    const balanceOf = (register: MVRegister<LedgerAccount>) =>
      register.siblings[0]?.value ?? openLedgerAccount('EUR');
    const us = opened.write(
      applyLedgerEntry(balanceOf(opened), { entryId: 'e2', amount: -30 }),
      at(10, 'us-east-1'),
    );
    const eu = opened.write(
      applyLedgerEntry(balanceOf(opened), { entryId: 'e3', amount: -80 }),
      at(11, 'eu-west-1'),
    );
    const conflicted = us.merge(eu);

    it('turns concurrent versions into a case holding every sibling, unmerged', () => {
      const read = resolveSiblings(policy, conflicted);
      expect(read.kind).toBe('conflict');
      if (read.kind !== 'conflict') return;
      expect(read.reconciliation.siblings.map((sibling) => sibling.value.balance)).toEqual([
        70, 20,
      ]);
      expect(serializeCase(read.reconciliation, LEDGER_ACCOUNT_CODEC)).toEqual({
        caseId: caseIdOf(conflicted.siblings),
        siblings: [
          {
            region: 'us-east-1',
            hlc: '2023-11-14T22:13:20.010Z-000000-us-east-1',
            dot: 2,
            value: {
              cur: 'EUR',
              bal: 70,
              n: 2,
              recent: [
                { id: 'e1', amt: 100 },
                { id: 'e2', amt: -30 },
              ],
            },
          },
          {
            region: 'eu-west-1',
            hlc: '2023-11-14T22:13:20.011Z-000000-eu-west-1',
            dot: 1,
            value: {
              cur: 'EUR',
              bal: 20,
              n: 2,
              recent: [
                { id: 'e1', amt: 100 },
                { id: 'e3', amt: -80 },
              ],
            },
          },
        ],
        context: { 'eu-west-1': 1, 'us-east-1': 2 },
      });
    });

    it('gives the same case id in every region, whatever the merge order', () => {
      expect(caseIdOf(eu.merge(us).siblings)).toBe(caseIdOf(conflicted.siblings));
      expect(caseIdOf(conflicted.siblings)).toMatch(/^case-[0-9a-f]{20}$/);
    });

    it('blocks writes while the case is open', () => {
      const clock = new HybridLogicalClock({ region: 'eu-west-1', wallClock: () => T0 + 50 });
      const result = writeVersioned(
        policy,
        conflicted,
        clock,
        (account) => account as LedgerAccount,
      );
      expect(result.kind).toBe('blocked');
    });

    it('closes the case everywhere once a person resolves it', () => {
      const caseId = caseIdOf(conflicted.siblings);
      const resolved = resolveCase(
        conflicted,
        caseId,
        applyLedgerEntry(balanceOf(us), { entryId: 'e3', amount: -80 }),
        at(60, 'us-east-1'),
      );
      const everywhere = eu.merge(resolved).merge(us);
      const read = resolveSiblings(policy, everywhere);
      expect(read.kind === 'value' && read.value.balance).toBe(-10);
    });

    it('refuses to resolve a case whose siblings changed since a person looked', () => {
      const later = MVRegister.empty(LEDGER_ACCOUNT_CODEC).write(
        openLedgerAccount('EUR'),
        at(30, 'ap-southeast-2'),
      );
      const grown = conflicted.merge(later);
      const stale = caseIdOf(conflicted.siblings);
      expect(() =>
        resolveCase(grown, stale, openLedgerAccount('EUR'), at(70, 'us-east-1')),
      ).toThrow(
        `reconciliation case ${stale} is stale: the object's conflict is now ${caseIdOf(grown.siblings)} with 3 versions; review it again`,
      );
      expect(() => resolveCase(us, stale, openLedgerAccount('EUR'), at(70, 'us-east-1'))).toThrow(
        `reconciliation case ${stale} is no longer open: the object has 1 version(s); reload it before resolving`,
      );
    });
  });

  it('writeVersioned stamps the write after every sibling, even when the local clock lags', () => {
    const policy = MERGE_REGISTRY.versionedPolicyOf('cart');
    const remote = MVRegister.empty(CART_CODEC).write(emptyCart(), at(900, 'us-east-1'));
    const clock = new HybridLogicalClock({ region: 'eu-west-1', wallClock: () => T0 });
    const result = writeVersioned(policy, remote, clock, (cart) =>
      setCartLineQuantity(cart ?? emptyCart(), 'sku-1', 2, 'eu-west-1'),
    );
    expect(result.kind === 'written' && result.hlc).toEqual({
      wallMs: T0 + 900,
      logical: 1,
      region: 'eu-west-1',
    });
  });
});

describe('business objects', () => {
  it('profile: replace deletes missing fields, and a deleted field stays deleted against older writes', () => {
    const profile = patchProfile(emptyProfile(), { name: 'Ada', phone: '123' }, at(1, 'us-east-1'));
    const replaced = replaceProfile(profile, { name: 'Ada' }, at(2, 'us-east-1'));
    expect(profileView(replaced)).toEqual({ name: 'Ada' });
    expect(PROFILE_CODEC.serialize(replaced)).toEqual({
      name: { v: 'Ada', h: '2023-11-14T22:13:20.002Z-000000-us-east-1' },
      phone: { h: '2023-11-14T22:13:20.002Z-000000-us-east-1' },
    });
    expect(PROFILE_CODEC.deserialize(PROFILE_CODEC.serialize(replaced))).toEqual(replaced);
    const olderPhone = patchProfile(emptyProfile(), { phone: '999' }, at(1, 'eu-west-1'));
    expect(profileView(mergeProfiles([olderPhone, replaced]))).toEqual({ name: 'Ada' });
    expect(() => patchProfile(profile, { 'bad name': 1 }, at(3, 'us-east-1'))).toThrow(
      'profile field name must be 1-64 letters, digits, _, - or ., got "bad name"',
    );
  });

  it('cart: a quantity set after a double removal lands on the number asked for', () => {
    const start = setCartLineQuantity(emptyCart(), 'sku-1', 2, 'us-east-1');
    // Both regions empty the line at once: the raw quantity drops to -2 and shows as 0.
    const merged = mergeCarts([
      setCartLineQuantity(start, 'sku-1', 0, 'us-east-1'),
      setCartLineQuantity(start, 'sku-1', 0, 'eu-west-1'),
    ]);
    expect(cartLineQuantity(merged, 'sku-1')).toBe(0);
    expect(cartView(merged)).toEqual({});
    const again = CART_CODEC.deserialize(
      CART_CODEC.serialize(setCartLineQuantity(merged, 'sku-1', 1, 'eu-west-1')),
    );
    expect(cartView(again)).toEqual({ 'sku-1': 1 });
    expect(() => setCartLineQuantity(emptyCart(), 'sku-1', -1, 'us-east-1')).toThrow(
      'cart line quantity must be an integer 0-10000, got -1',
    );
  });

  it('ledger: a retried entry id changes nothing, and amounts are integer minor units', () => {
    const account = applyLedgerEntry(openLedgerAccount('EUR'), { entryId: 'e1', amount: 250 });
    expect(applyLedgerEntry(account, { entryId: 'e1', amount: 250 })).toBe(account);
    expect(() => applyLedgerEntry(account, { entryId: 'e2', amount: 2.5 })).toThrow(
      'ledger entry amount must be a non-zero integer in minor units (cents), got 2.5',
    );
    expect(() => openLedgerAccount('euro')).toThrow(
      'ledger currency must be an ISO 4217 code such as EUR, got "euro"',
    );
    expect(LEDGER_ACCOUNT_CODEC.deserialize(LEDGER_ACCOUNT_CODEC.serialize(account))).toEqual(
      account,
    );
  });
});
