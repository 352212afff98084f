import fc from 'fast-check';
import { mergeAll } from '../../../lambda/domain/crdt/crdt';
import { G_COUNTER, GCounter } from '../../../lambda/domain/crdt/g-counter';
import { LWWRegister } from '../../../lambda/domain/crdt/lww-register';
import { MVRegister } from '../../../lambda/domain/crdt/mv-register';
import { OR_SET, ORSet } from '../../../lambda/domain/crdt/or-set';
import { PN_COUNTER, PNCounter } from '../../../lambda/domain/crdt/pn-counter';
import { hlcTimestamp, HybridLogicalClock } from '../../../lambda/domain/hlc';
import { canonicalJson, type JsonValue } from '../../../lambda/domain/json';
import { VersionVector } from '../../../lambda/domain/version-vector';
import { runs } from './support/fast-check';
import { runHistory, historyArb, stampAfter, TEST_REGIONS } from './support/histories';

const T0 = 1_700_000_000_000;
const stamp = (offset: number, region: string, logical = 0) =>
  hlcTimestamp(T0 + offset, logical, region);

describe('G-Counter', () => {
  it('sums the regions and merges by maximum per region', () => {
    const us = GCounter.empty().increment('us-east-1', 3);
    const eu = GCounter.empty().increment('eu-west-1').increment('eu-west-1', 4);
    const merged = us.merge(eu).merge(us.increment('us-east-1', 1));
    expect(merged.value).toBe(9);
    expect(merged.serialize()).toEqual({ 'eu-west-1': 5, 'us-east-1': 4 });
  });

  it('refuses decrements with a pointer to the pn-counter', () => {
    expect(() => GCounter.empty().increment('eu-west-1', -1)).toThrow(
      'g-counter increment must be a positive integer, got -1; use a pn-counter to decrement',
    );
  });

  it('rejects corrupt states with the bad entry named', () => {
    expect(() => GCounter.deserialize({ 'eu-west-1': -2 })).toThrow(
      'g-counter count for eu-west-1 must be a non-negative integer, got -2',
    );
    expect(() => GCounter.deserialize({ 'EU WEST': 1 })).toThrow(
      'g-counter region must be 1-63 lowercase',
    );
    expect(() => GCounter.deserialize([])).toThrow(
      'g-counter state must be an object, got an array of 0',
    );
  });

  it('keeps only its own entry in a region slot, and the slots merge back to the state (300 runs)', () => {
    fc.assert(
      fc.property(historyArb(fc.integer({ min: 1, max: 50 })), (steps) => {
        const states = runHistory(
          {
            empty: GCounter.empty(),
            apply: (state, amount: number, region) => state.increment(region, amount),
            merge: (a, b) => a.merge(b),
          },
          steps,
        );
        const state = states[states.length - 1] as GCounter;
        const slots = TEST_REGIONS.map((region) => G_COUNTER.slotOf(state, region));
        slots.forEach((slot, index) => {
          expect(slot.regions.every((region) => region === TEST_REGIONS[index])).toBe(true);
        });
        expect(mergeAll(G_COUNTER, slots).equals(state)).toBe(true);
      }),
      runs(300),
    );
  });
});

describe('PN-Counter', () => {
  it('adds and subtracts per region', () => {
    const counter = PNCounter.empty().add('eu-west-1', 5).add('us-east-1', -7).add('eu-west-1', -1);
    expect(counter.value).toBe(-3);
    expect(counter.serialize()).toEqual({
      p: { 'eu-west-1': 5 },
      n: { 'eu-west-1': 1, 'us-east-1': 7 },
    });
    expect(PNCounter.deserialize(counter.serialize()).equals(counter)).toBe(true);
  });

  it('merges slots back to the state', () => {
    const counter = PNCounter.empty().add('eu-west-1', 5).add('us-east-1', -7);
    const slots = ['eu-west-1', 'us-east-1'].map((region) => PN_COUNTER.slotOf(counter, region));
    expect(mergeAll(PN_COUNTER, slots).value).toBe(-2);
  });

  it('explains bad deltas and unknown keys', () => {
    expect(() => PNCounter.empty().add('eu-west-1', 0)).toThrow(
      'pn-counter delta must be a non-zero integer, got 0',
    );
    expect(() => PNCounter.deserialize({ p: {}, x: {} })).toThrow(
      'pn-counter state has unknown key "x"; expected only p and n',
    );
  });
});

describe('OR-Set (add-wins, no tombstones)', () => {
  it('lets an add win over a concurrent remove', () => {
    const base = ORSet.empty().add('milk', 'us-east-1');
    const removedInUs = base.remove('milk');
    const euSawBase = ORSet.empty().merge(base).add('milk', 'eu-west-1');
    expect(removedInUs.merge(euSawBase).values()).toEqual(['milk']);
    expect(euSawBase.merge(removedInUs).values()).toEqual(['milk']);
  });

  it('removes what the remover had observed', () => {
    const base = ORSet.empty().add('milk', 'us-east-1').add('eggs', 'us-east-1');
    const eu = ORSet.empty().merge(base).remove('milk');
    expect(base.merge(eu).values()).toEqual(['eggs']);
  });

  it('keeps no tombstones: the state after removes is only the context', () => {
    let set = ORSet.empty();
    for (let index = 0; index < 100; index += 1) {
      set = set.add(`item-${index}`, 'eu-west-1').remove(`item-${index}`);
    }
    expect(set.serialize()).toEqual({ c: { 'eu-west-1': 100 }, e: {} });
  });

  it('treats elements named like object internals as plain strings', () => {
    const set = ORSet.empty().add('__proto__', 'eu-west-1').add('constructor', 'eu-west-1');
    const copy = ORSet.deserialize(JSON.parse(JSON.stringify(set.serialize())));
    expect(copy.values()).toEqual(['__proto__', 'constructor']);
    expect(copy.equals(set)).toBe(true);
  });

  it('rejects a dot outside the causal context as corrupt', () => {
    expect(() =>
      ORSet.deserialize({ c: { 'eu-west-1': 1 }, e: { milk: { 'eu-west-1': 2 } } }),
    ).toThrow(
      'or-set dot eu-west-1:2 of "milk" lies outside the causal context (eu-west-1:1); the state is corrupt, rebuild it from the other regions\' slots',
    );
    expect(() => ORSet.empty().add('', 'eu-west-1')).toThrow(
      'or-set element must be a non-empty string, got ""',
    );
  });

  it('stores the whole state in each slot', () => {
    const set = ORSet.empty().add('milk', 'eu-west-1');
    expect(OR_SET.slotOf(set, 'us-east-1')).toBe(set);
  });
});

describe('LWW-Register', () => {
  it('keeps the write with the greatest HLC, ties broken by region', () => {
    const register = LWWRegister.empty()
      .set('first', stamp(10, 'us-east-1'))
      .set('older', stamp(5, 'eu-west-1'))
      .set('tie-lower-region', stamp(10, 'eu-west-1'));
    expect(register.value).toBe('first');
    expect(register.set('later', stamp(11, 'eu-west-1')).value).toBe('later');
  });

  it('serializes compactly and empty as {}', () => {
    expect(LWWRegister.empty().serialize()).toEqual({});
    const register = LWWRegister.empty().set({ theme: 'dark' }, stamp(0, 'eu-west-1'));
    expect(register.serialize()).toEqual({
      v: { theme: 'dark' },
      h: '2023-11-14T22:13:20.000Z-000000-eu-west-1',
    });
    expect(LWWRegister.deserialize(register.serialize()).equals(register)).toBe(true);
  });
});

describe('MV-Register', () => {
  it('keeps concurrent writes as siblings and replaces what a write has seen', () => {
    const us = MVRegister.empty().write('a', stamp(1, 'us-east-1'));
    const eu = MVRegister.empty().write('b', stamp(2, 'eu-west-1'));
    const both = us.merge(eu);
    expect(both.values()).toEqual(['a', 'b']);
    expect(us.compare(eu)).toBe('concurrent');
    const resolved = both.write('c', stamp(3, 'us-east-1'));
    expect(resolved.values()).toEqual(['c']);
    expect(resolved.merge(us).merge(eu).values()).toEqual(['c']);
    expect(resolved.compare(both)).toBe('after');
    expect(resolved.context.serialize()).toEqual({ 'eu-west-1': 1, 'us-east-1': 2 });
  });

  it('refuses a write stamped before a sibling, naming the fix', () => {
    const register = MVRegister.empty().write('a', stamp(10, 'us-east-1'));
    expect(() => register.write('b', stamp(5, 'eu-west-1'))).toThrow(
      "mv-register write stamped 2023-11-14T22:13:20.005Z-000000-eu-west-1 is not after sibling 2023-11-14T22:13:20.010Z-000000-us-east-1; call clock.receive() with the siblings' stamps before clock.now()",
    );
  });

  it('rejects corrupt states', () => {
    const sibling = { v: 1, h: '2023-11-14T22:13:20.000Z-000000-eu-west-1', d: 2 };
    expect(() => MVRegister.deserialize({ c: { 'eu-west-1': 1 }, s: [sibling] })).toThrow(
      'mv-register sibling eu-west-1:2 lies outside the context (eu-west-1:1)',
    );
    expect(() => MVRegister.deserialize({ c: { 'eu-west-1': 2 }, s: [sibling, sibling] })).toThrow(
      'mv-register holds sibling eu-west-1:2 twice; the state is corrupt',
    );
  });
});

describe('serialization round-trips every state a history can reach (300 runs each)', () => {
  const value = fc.constantFrom<JsonValue>('x', 1, null, [1, { a: 'b' }]);
  const roundTrips = <S extends { serialize(): JsonValue }>(
    name: string,
    empty: S,
    op: fc.Arbitrary<unknown>,
    apply: (state: S, op: never, region: string, clock: HybridLogicalClock) => S,
    merge: (a: S, b: S) => S,
    deserialize: (json: unknown) => S,
  ) =>
    it(name, () => {
      fc.assert(
        fc.property(historyArb(op), (steps) => {
          for (const state of runHistory({ empty, apply, merge }, steps as never)) {
            const json = JSON.parse(JSON.stringify(state.serialize())) as unknown;
            expect(canonicalJson(deserialize(json).serialize())).toBe(
              canonicalJson(state.serialize()),
            );
          }
        }),
        runs(300),
      );
    });

  roundTrips(
    'pn-counter',
    PNCounter.empty(),
    fc.integer({ min: -5, max: 5 }).filter((delta) => delta !== 0),
    (state, delta: number, region) => state.add(region, delta),
    (a, b) => a.merge(b),
    (json) => PNCounter.deserialize(json),
  );
  roundTrips(
    'or-set',
    ORSet.empty(),
    fc.record({ add: fc.boolean(), element: fc.constantFrom('a', 'b', 'c') }),
    (state, op: { add: boolean; element: string }, region) =>
      op.add ? state.add(op.element, region) : state.remove(op.element),
    (a, b) => a.merge(b),
    (json) => ORSet.deserialize(json),
  );
  roundTrips(
    'lww-register',
    LWWRegister.empty(),
    value,
    (state, written: JsonValue, _region, clock) => state.set(written, clock.now()),
    (a, b) => a.merge(b),
    (json) => LWWRegister.deserialize(json),
  );
  roundTrips(
    'mv-register',
    MVRegister.empty(),
    value,
    (state, written: JsonValue, _region, clock) =>
      state.write(
        written,
        stampAfter(
          clock,
          state.siblings.map((sibling) => sibling.hlc),
        ),
      ),
    (a, b) => a.merge(b),
    (json) => MVRegister.deserialize(json),
  );
});

describe('version vectors', () => {
  const vv = (counts: Record<string, number>) => VersionVector.of(counts);

  it.each([
    [{ a: 1 }, { a: 1 }, 'equal'],
    [{}, {}, 'equal'],
    [{ a: 1 }, { a: 2 }, 'before'],
    [{ a: 1 }, { a: 1, b: 1 }, 'before'],
    [{ a: 2, b: 1 }, { a: 1 }, 'after'],
    [{ a: 2 }, { a: 1, b: 1 }, 'concurrent'],
  ] as const)('compares %j with %j as %s', (a, b, order) => {
    expect(vv(a).compare(vv(b))).toBe(order);
  });

  it('compares antisymmetrically and merges to a vector after both (1,000 runs)', () => {
    const counts = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.nat({ max: 3 }));
    const mirror = {
      equal: 'equal',
      before: 'after',
      after: 'before',
      concurrent: 'concurrent',
    } as const;
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        const left = vv(a);
        const right = vv(b);
        expect(right.compare(left)).toBe(mirror[left.compare(right)]);
        expect(left.merge(right).dominates(left)).toBe(true);
        expect(left.merge(right).dominates(right)).toBe(true);
      }),
      runs(1000),
    );
  });

  it('drops zero counts and rejects negative ones', () => {
    expect(vv({ a: 0, b: 2 }).serialize()).toEqual({ b: 2 });
    expect(() => vv({ a: -1 })).toThrow(
      'version vector count for a must be a non-negative integer, got -1',
    );
  });
});
