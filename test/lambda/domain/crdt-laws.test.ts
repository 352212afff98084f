/**
 * Merge laws: every merge here must be commutative, associative and idempotent, or replicas that
 * received the same updates in different orders would disagree. States come from real histories
 * (operations and merges over three regions); each law runs 1,000 times.
 */
import fc from 'fast-check';
import { GCounter } from '../../../lambda/domain/crdt/g-counter';
import { LWWRegister } from '../../../lambda/domain/crdt/lww-register';
import { MVRegister } from '../../../lambda/domain/crdt/mv-register';
import { ORSet } from '../../../lambda/domain/crdt/or-set';
import { PNCounter } from '../../../lambda/domain/crdt/pn-counter';
import { parseHlc } from '../../../lambda/domain/hlc';
import { canonicalJson, type JsonValue } from '../../../lambda/domain/json';
import {
  CART_CODEC,
  changeCartLine,
  emptyCart,
  mergeCarts,
  type Cart,
} from '../../../lambda/domain/objects/cart';
import {
  PROFILE_CODEC,
  emptyProfile,
  mergeProfiles,
  patchProfile,
  type Profile,
} from '../../../lambda/domain/objects/profile';
import { VersionVector } from '../../../lambda/domain/version-vector';
import { expectToBe, runs } from './support/fast-check';
import { stampAfter, tripleArb, type HistoryModel } from './support/histories';

const RUNS = 1000;

interface LawSubject<S, Op> {
  readonly name: string;
  readonly model: HistoryModel<S, Op>;
  readonly op: fc.Arbitrary<Op>;
  readonly serialize: (state: S) => JsonValue;
}

function describeLaws<S, Op>(subject: LawSubject<S, Op>): void {
  const { model, serialize } = subject;
  const same = (a: S, b: S): void =>
    expectToBe(canonicalJson(serialize(a)), canonicalJson(serialize(b)));
  const triples = tripleArb(model, subject.op);

  describe(`${subject.name} merge`, () => {
    it('is commutative', () => {
      fc.assert(
        fc.property(triples, ([a, b]) => same(model.merge(a, b), model.merge(b, a))),
        runs(RUNS),
      );
    });

    it('is associative', () => {
      fc.assert(
        fc.property(triples, ([a, b, c]) =>
          same(model.merge(model.merge(a, b), c), model.merge(a, model.merge(b, c))),
        ),
        runs(RUNS),
      );
    });

    it('is idempotent', () => {
      fc.assert(
        fc.property(triples, ([a, b]) => {
          same(model.merge(a, a), a);
          // Receiving the same state twice changes nothing either.
          same(model.merge(model.merge(a, b), b), model.merge(a, b));
        }),
        runs(RUNS),
      );
    });
  });
}

const element = fc.constantFrom('apple', 'pear', 'plum', '__proto__');
const smallValue = fc.constantFrom<JsonValue>('red', 'green', 7, null, { nested: true });

describeLaws({
  name: 'g-counter',
  model: {
    empty: GCounter.empty(),
    apply: (state, amount: number, region) => state.increment(region, amount),
    merge: (a, b) => a.merge(b),
  },
  op: fc.integer({ min: 1, max: 100 }),
  serialize: (state) => state.serialize(),
});

describeLaws({
  name: 'pn-counter',
  model: {
    empty: PNCounter.empty(),
    apply: (state, delta: number, region) => state.add(region, delta),
    merge: (a, b) => a.merge(b),
  },
  op: fc.integer({ min: -100, max: 100 }).filter((delta) => delta !== 0),
  serialize: (state) => state.serialize(),
});

describeLaws({
  name: 'or-set',
  model: {
    empty: ORSet.empty(),
    apply: (state, op: { add: boolean; element: string }, region) =>
      op.add ? state.add(op.element, region) : state.remove(op.element),
    merge: (a, b) => a.merge(b),
  },
  op: fc.record({ add: fc.boolean(), element }),
  serialize: (state) => state.serialize(),
});

describeLaws({
  name: 'lww-register',
  model: {
    empty: LWWRegister.empty(),
    apply: (state, value: JsonValue, _region, clock) => state.set(value, clock.now()),
    merge: (a, b) => a.merge(b),
  },
  op: smallValue,
  serialize: (state) => state.serialize(),
});

describeLaws({
  name: 'mv-register',
  model: {
    empty: MVRegister.empty(),
    apply: (state, value: JsonValue, _region, clock) =>
      state.write(
        value,
        stampAfter(
          clock,
          state.siblings.map((sibling) => sibling.hlc),
        ),
      ),
    merge: (a, b) => a.merge(b),
  },
  op: smallValue,
  serialize: (state) => state.serialize(),
});

describeLaws({
  name: 'version vector',
  model: {
    empty: VersionVector.empty(),
    apply: (state, _op: null, region) => state.increment(region),
    merge: (a, b) => a.merge(b),
  },
  op: fc.constant(null),
  serialize: (state) => state.serialize(),
});

describeLaws<Profile, { field: string; value: JsonValue }>({
  name: 'profile (domain merge, field by field by HLC)',
  model: {
    empty: emptyProfile(),
    apply: (state, op, _region, clock) =>
      patchProfile(
        state,
        { [op.field]: op.value },
        stampAfter(
          clock,
          [...state.values()].map((field) => parseHlc(field.at)),
        ),
      ),
    merge: (a, b) => mergeProfiles([a, b]),
  },
  op: fc.record({ field: fc.constantFrom('name', 'email', 'locale'), value: smallValue }),
  serialize: (state) => PROFILE_CODEC.serialize(state),
});

describeLaws<Cart, { sku: string; delta: number }>({
  name: 'cart (domain merge, PN-counter lines)',
  model: {
    empty: emptyCart(),
    apply: (state, op, region) => changeCartLine(state, op.sku, op.delta, region),
    merge: (a, b) => mergeCarts([a, b]),
  },
  op: fc.record({
    sku: fc.constantFrom('sku-1', 'sku-2', 'sku-3'),
    delta: fc.integer({ min: -3, max: 3 }),
  }),
  serialize: (state) => CART_CODEC.serialize(state),
});
