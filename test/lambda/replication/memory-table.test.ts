import fc from 'fast-check';
import {
  compareVersions,
  seededDelays,
  VirtualClock,
  type Item,
  type Version,
} from '../../../lambda/replication/engine';
import {
  MemoryGlobalTable,
  ReplicationRefusedError,
} from '../../../lambda/replication/memory-table';
import { runs } from '../domain/support/fast-check';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];

const item = (sk: string, value: unknown, extra: Record<string, unknown> = {}): Item => ({
  pk: 'p',
  sk,
  value,
  ...extra,
});

describe('the replication engine, in memory', () => {
  test('each mutation travels on its own: two items written in order arrive in the other order', () => {
    // GIVEN the first write is slower to eu-west-1 than the second
    const clock = new VirtualClock();
    const table = new MemoryGlobalTable({
      regions: REGIONS,
      clock,
      delay: (mutation) => (mutation.key.sk === 'first' ? 500 : 100),
    });
    table.put(US, item('first', 1));
    table.put(US, item('second', 2));
    // WHEN 200 ms pass
    table.advance(200);
    // THEN eu-west-1 has the second item and not the first
    expect(table.get(EU, { pk: 'p', sk: 'second' })).toMatchObject({ value: 2 });
    expect(table.get(EU, { pk: 'p', sk: 'first' })).toBeUndefined();
    table.advance(400);
    expect(table.get(EU, { pk: 'p', sk: 'first' })).toMatchObject({ value: 1 });
  });

  test('last writer wins per item by true time, whichever arrives last', () => {
    const clock = new VirtualClock();
    const table = new MemoryGlobalTable({ regions: REGIONS, clock });
    table.put(US, item('x', 'us'));
    clock.advance(5);
    table.put(EU, item('x', 'eu'));
    // eu's newer write reaches us first, then us's older write reaches eu: both discard the older
    table.deliver({ from: EU });
    table.deliver({ from: US });
    for (const region of REGIONS) {
      expect(table.get(region, { pk: 'p', sk: 'x' })).toMatchObject({ value: 'eu' });
    }
  });

  test('a tie in time is broken the same way in every replica', () => {
    const table = new MemoryGlobalTable({ regions: REGIONS });
    table.put(US, item('x', 'us'));
    table.put(EU, item('x', 'eu'));
    table.settle();
    const values = REGIONS.map((region) => table.get(region, { pk: 'p', sk: 'x' })?.value);
    expect(new Set(values).size).toBe(1);
  });

  test('a delete wins over an older put and loses to a newer one', () => {
    const clock = new VirtualClock();
    const table = new MemoryGlobalTable({ regions: REGIONS, clock });
    table.put(US, item('x', 1));
    table.settle();
    clock.advance(1);
    table.delete(EU, { pk: 'p', sk: 'x' });
    clock.advance(1);
    table.put(AP, item('x', 3));
    // the newer put reaches eu-west-1 first; the older delete then reaches ap-southeast-2
    table.deliver({ from: AP });
    table.deliver({ from: EU });
    for (const region of REGIONS) {
      expect(table.get(region, { pk: 'p', sk: 'x' })).toMatchObject({ value: 3 });
    }
  });

  test('conditions see only the local replica: two regions both create the same item', () => {
    const table = new MemoryGlobalTable({ regions: REGIONS });
    const absent = (current: Item | undefined) => current === undefined;
    expect(table.put(US, item('claim', 'us'), absent)).toBe(true);
    expect(table.put(EU, item('claim', 'eu'), absent)).toBe(true);
    table.settle();
    expect(table.snapshot(US)).toBe(table.snapshot(EU));
    expect(table.put(AP, item('claim', 'ap'), absent)).toBe(false);
  });

  test('streams show local and replicated writes, and nothing is sent back', () => {
    const table = new MemoryGlobalTable({ regions: REGIONS });
    table.put(US, item('x', 1));
    table.settle();
    expect(table.pending()).toHaveLength(0);
    expect(table.stream(EU).all()).toEqual([
      expect.objectContaining({
        eventName: 'INSERT',
        newImage: item('x', 1),
        engine: { origin: US, replicated: true },
      }),
    ]);
    expect(table.stream(US).all()[0]?.engine).toEqual({ origin: US, replicated: false });
  });

  test('TTL expiry is a delete in one replica that replicates, marked as the service', () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const table = new MemoryGlobalTable({ regions: REGIONS, clock });
    table.put(US, item('x', 1, { expiresAt: Date.UTC(2026, 0, 1) / 1000 + 60 }));
    table.settle();
    expect(table.expireTtl(EU)).toBe(0);
    clock.advance(61_000);
    expect(table.expireTtl(EU)).toBe(1);
    expect(table.get(US, { pk: 'p', sk: 'x' })).toBeDefined();
    table.settle();
    for (const region of REGIONS) expect(table.get(region, { pk: 'p', sk: 'x' })).toBeUndefined();
    expect(table.stream(EU).all().at(-1)).toMatchObject({
      eventName: 'REMOVE',
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
  });

  test('a partition holds mutations until it heals; a paused region sends and receives nothing', () => {
    const table = new MemoryGlobalTable({ regions: REGIONS });
    table.partition(US, EU);
    table.pause(AP);
    table.put(US, item('x', 1));
    expect(table.deliverAll()).toBe(0);
    expect(table.pending()).toHaveLength(2);
    table.heal(US, EU);
    expect(table.deliverAll()).toBe(1);
    expect(table.get(AP, { pk: 'p', sk: 'x' })).toBeUndefined();
    table.resume(AP);
    expect(table.deliverAll()).toBe(1);
  });

  test('the same seed delays every mutation the same way', () => {
    const order = (seed: number) => {
      const clock = new VirtualClock();
      const table = new MemoryGlobalTable({
        regions: REGIONS,
        clock,
        delay: seededDelays({ seed, minMs: 0, maxMs: 1_000 }),
      });
      for (let index = 0; index < 20; index += 1) table.put(US, item(`k${index}`, index));
      table.advance(2_000);
      return table
        .stream(EU)
        .all()
        .map((record) => record.keys.sk);
    };
    expect(order(7)).toEqual(order(7));
    expect(order(7)).not.toEqual(order(8));
  });

  test('stored items cannot be changed behind the replica’s back', () => {
    const table = new MemoryGlobalTable({ regions: REGIONS });
    const written = { pk: 'p', sk: 'x', nested: { n: 1 } };
    table.put(US, written);
    written.nested.n = 2;
    const stored = table.get(US, { pk: 'p', sk: 'x' }) as { nested: { n: number } };
    expect(stored.nested.n).toBe(1);
    expect(() => {
      stored.nested.n = 3;
    }).toThrow(TypeError);
  });

  describe('multi-Region strong consistency', () => {
    test('an acknowledged write is in every replica; transactions are refused', () => {
      const table = new MemoryGlobalTable({ regions: REGIONS, mode: 'strong' });
      table.put(EU, item('x', 1));
      for (const region of REGIONS) expect(table.get(region, { pk: 'p', sk: 'x' })).toBeDefined();
      expect(() =>
        table.transact(US, [
          { kind: 'put', item: item('a', 1) },
          { kind: 'put', item: item('b', 1) },
        ]),
      ).toThrow(ReplicationRefusedError);
    });

    test('a region cut off from the majority cannot write', () => {
      const table = new MemoryGlobalTable({ regions: REGIONS, mode: 'strong' });
      table.partition(AP, US);
      table.partition(AP, EU);
      expect(() => table.put(AP, item('x', 1))).toThrow(/majority/);
      // the others still form a majority; ap-southeast-2 catches up when it reconnects
      table.put(US, item('x', 2));
      expect(table.get(AP, { pk: 'p', sk: 'x' })).toBeUndefined();
      table.settle();
      expect(table.get(AP, { pk: 'p', sk: 'x' })).toMatchObject({ value: 2 });
    });
  });

  test('property: whatever the delays, partitions and order, replicas converge on the newest write of each item', () => {
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant('put' as const),
        region: fc.constantFrom(...REGIONS),
        sk: fc.constantFrom('a', 'b', 'c'),
        value: fc.nat(99),
      }),
      fc.record({
        kind: fc.constant('delete' as const),
        region: fc.constantFrom(...REGIONS),
        sk: fc.constantFrom('a', 'b', 'c'),
      }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.nat(300) }),
      fc.record({
        kind: fc.constant('partition' as const),
        a: fc.constantFrom(...REGIONS),
        b: fc.constantFrom(...REGIONS),
      }),
      fc.record({ kind: fc.constant('heal' as const) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), fc.nat(), (operations, seed) => {
        const clock = new VirtualClock();
        const table = new MemoryGlobalTable({
          regions: REGIONS,
          clock,
          delay: seededDelays({ seed, minMs: 0, maxMs: 400 }),
        });
        const newest = new Map<string, { version: Version; value: unknown }>();
        let seq = 0;
        for (const op of operations) {
          if (op.kind === 'tick') table.advance(op.ms);
          else if (op.kind === 'partition') {
            if (op.a !== op.b) table.partition(op.a, op.b);
          } else if (op.kind === 'heal') table.heal();
          else {
            seq += 1;
            if (op.kind === 'put') table.put(op.region, item(op.sk, op.value));
            else table.delete(op.region, { pk: 'p', sk: op.sk });
            const version: Version = { time: clock.now(), origin: op.region, seq };
            const previous = newest.get(op.sk);
            if (previous === undefined || compareVersions(version, previous.version) > 0) {
              newest.set(op.sk, { version, value: op.kind === 'put' ? op.value : undefined });
            }
          }
        }
        table.settle();
        const snapshots = REGIONS.map((region) => table.snapshot(region));
        expect(new Set(snapshots).size).toBe(1);
        for (const [sk, expected] of newest) {
          expect(table.get(US, { pk: 'p', sk })?.value).toBe(expected.value);
        }
      }),
      runs(200),
    );
  });
});
