/**
 * SortedCounts is the core of version vectors, G-Counters and causal contexts: its merge-join
 * operations are checked against a plain Map model.
 */
import fc from 'fast-check';
import { MVRegister } from '../../../lambda/domain/crdt/mv-register';
import { ORSet } from '../../../lambda/domain/crdt/or-set';
import { SortedCounts } from '../../../lambda/domain/crdt/sorted-counts';
import { expectToBe, runs } from './support/fast-check';

const tableArb = fc.dictionary(
  fc.constantFrom('a', 'b', 'c', 'd', '10', '9', 'B'),
  fc.nat({ max: 4 }),
);

function model(table: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(table).filter(([, count]) => count > 0));
}

describe('SortedCounts against a Map model (1,000 runs each)', () => {
  it('builds from entries in any order and looks keys up', () => {
    fc.assert(
      fc.property(tableArb, (table) => {
        const counts = SortedCounts.fromEntries(Object.entries(table).reverse());
        const expected = model(table);
        expect(counts.keys).toEqual([...expected.keys()].sort());
        for (const key of ['a', 'b', 'c', 'd', '10', '9', 'B', 'zzz']) {
          expectToBe(counts.get(key), expected.get(key) ?? 0);
        }
        expect(counts.sum()).toBe([...expected.values()].reduce((sum, count) => sum + count, 0));
      }),
      runs(1000),
    );
  });

  it('merges by pointwise maximum and compares pointwise', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (left, right) => {
        const a = SortedCounts.fromEntries(Object.entries(left));
        const b = SortedCounts.fromEntries(Object.entries(right));
        const keys = new Set([...model(left).keys(), ...model(right).keys()]);
        const max = a.max(b);
        let less = false;
        let greater = false;
        for (const key of keys) {
          expectToBe(max.get(key), Math.max(a.get(key), b.get(key)));
          less ||= a.get(key) < b.get(key);
          greater ||= a.get(key) > b.get(key);
        }
        expect(max.size).toBe(keys.size);
        expect(a.compare(b)).toBe(
          less && greater ? 'concurrent' : less ? 'before' : greater ? 'after' : 'equal',
        );
        expect(a.equals(b)).toBe(!less && !greater);
      }),
      runs(1000),
    );
  });

  it('updates single keys and answers forward lookups, even when asked out of order', () => {
    fc.assert(
      fc.property(
        tableArb,
        fc.constantFrom('a', 'c', 'x'),
        fc.nat({ max: 4 }),
        (table, key, count) => {
          const counts = SortedCounts.fromEntries(Object.entries(table)).with(key, count);
          expect(counts.get(key)).toBe(count);
          const lookup = counts.forwardLookup();
          for (const probe of ['9', 'B', 'a', 'c', 'x', 'a']) {
            expectToBe(lookup(probe), counts.get(probe));
          }
        },
      ),
      runs(1000),
    );
  });
});

describe('sorted containers read back from unsorted storage', () => {
  it('sorts OR-Set elements whose names look like integers', () => {
    const set = ORSet.deserialize({
      c: { 'eu-west-1': 3 },
      e: { '10': { 'eu-west-1': 1 }, '9': { 'eu-west-1': 2 }, b: { 'eu-west-1': 3 } },
    });
    expect(set.values()).toEqual(['10', '9', 'b']);
    expect(set.has('9')).toBe(true);
    expect(set.merge(ORSet.empty()).equals(set)).toBe(true);
  });

  it('accepts MV-Register siblings in any order', () => {
    const json = {
      c: { 'eu-west-1': 1, 'us-east-1': 1 },
      s: [
        { v: 'b', h: '2023-11-14T22:13:20.000Z-000000-us-east-1', d: 1 },
        { v: 'a', h: '2023-11-14T22:13:20.000Z-000000-eu-west-1', d: 1 },
      ],
    };
    const register = MVRegister.deserialize(json);
    expect(register.values()).toEqual(['a', 'b']);
    expect(
      register
        .merge(MVRegister.deserialize({ ...json, s: [...json.s].reverse() }))
        .equals(register),
    ).toBe(true);
  });
});
