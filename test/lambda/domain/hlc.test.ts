import fc from 'fast-check';
import {
  compareHlc,
  formatHlc,
  hlcTimestamp,
  HybridLogicalClock,
  MAX_LOGICAL,
  MAX_WALL_MS,
  parseHlc,
  type HlcTimestamp,
} from '../../../lambda/domain/hlc';
import { runs } from './support/fast-check';

const T0 = 1_700_000_000_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

// Mostly near-ties (same wall, same counter) plus the whole range the string form supports.
const stampArb = fc
  .tuple(
    fc.oneof(fc.integer({ min: T0, max: T0 + 5 }), fc.integer({ min: 0, max: MAX_WALL_MS })),
    fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: MAX_LOGICAL })),
    fc.constantFrom(...REGIONS, 'eu-west-10', 'eu'),
  )
  .map(([wall, logical, region]) => hlcTimestamp(wall, logical, region));

describe('hybrid logical clock', () => {
  describe('now()', () => {
    it('follows the wall clock when it moves forward', () => {
      let wall = T0;
      const clock = new HybridLogicalClock({ region: 'eu-west-1', wallClock: () => wall });
      expect(clock.now()).toEqual({ wallMs: T0, logical: 0, region: 'eu-west-1' });
      expect(clock.now()).toEqual({ wallMs: T0, logical: 1, region: 'eu-west-1' });
      wall += 5;
      expect(clock.now()).toEqual({ wallMs: T0 + 5, logical: 0, region: 'eu-west-1' });
    });

    it('never goes backwards when the wall clock does', () => {
      let wall = T0;
      const clock = new HybridLogicalClock({ region: 'eu-west-1', wallClock: () => wall });
      const first = clock.now();
      wall -= 10_000;
      const second = clock.now();
      expect(compareHlc(second, first)).toBe(1);
      expect(second).toEqual({ wallMs: T0, logical: 1, region: 'eu-west-1' });
    });
  });

  describe('receive()', () => {
    it('orders the local event after the remote stamp, even on a tie of wall and counter', () => {
      const clock = new HybridLogicalClock({ region: 'ap-southeast-2', wallClock: () => T0 });
      const remote = hlcTimestamp(T0 + 100, 7, 'us-east-1');
      const local = clock.receive(remote);
      expect(local).toEqual({ wallMs: T0 + 100, logical: 8, region: 'ap-southeast-2' });
      expect(compareHlc(local, remote)).toBe(1);
    });

    it('accepts the string form', () => {
      const clock = new HybridLogicalClock({ region: 'eu-west-1', wallClock: () => T0 });
      expect(clock.receive('2023-11-14T22:13:20.000Z-000004-us-east-1')).toEqual({
        wallMs: T0,
        logical: 5,
        region: 'eu-west-1',
      });
    });

    it('is monotonic under any skew within the bound (1,000 runs)', () => {
      const maxSkewMs = 1_000;
      const event = fc.oneof(
        fc.record({
          kind: fc.constant('wall' as const),
          delta: fc.integer({ min: -5_000, max: 5_000 }),
        }),
        fc.record({ kind: fc.constant('now' as const) }),
        fc.record({
          kind: fc.constant('receive' as const),
          ahead: fc.integer({ min: -20_000, max: maxSkewMs }),
          logical: fc.integer({ min: 0, max: 1_000 }),
          region: fc.constantFrom(...REGIONS),
        }),
      );
      fc.assert(
        fc.property(fc.array(event, { maxLength: 60 }), (events) => {
          let wall = T0;
          const clock = new HybridLogicalClock({
            region: 'eu-west-1',
            maxSkewMs,
            wallClock: () => wall,
          });
          let previous: HlcTimestamp | undefined;
          for (const step of events) {
            if (step.kind === 'wall') {
              wall += step.delta;
              continue;
            }
            let stamp: HlcTimestamp;
            if (step.kind === 'now') {
              stamp = clock.now();
            } else {
              const remote = hlcTimestamp(wall + step.ahead, step.logical, step.region);
              stamp = clock.receive(remote);
              expect(compareHlc(stamp, remote)).toBe(1);
            }
            if (previous !== undefined) {
              expect(compareHlc(stamp, previous)).toBe(1);
            }
            // The clock never runs further ahead of the wall than the bound allows.
            expect(stamp.wallMs - wall).toBeLessThanOrEqual(
              Math.max(maxSkewMs, (previous?.wallMs ?? 0) - wall),
            );
            previous = stamp;
          }
        }),
        runs(1000),
      );
    });

    it('takes a stamp however far ahead, orders after it and reports how far ahead it was ([K]: a fast clock elsewhere never blocks this region) (1,000 runs)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000_000 }),
          fc.integer({ min: 0, max: 60_000 }),
          (excess, maxSkewMs) => {
            const clock = new HybridLogicalClock({
              region: 'eu-west-1',
              maxSkewMs,
              wallClock: () => T0,
            });
            clock.now();
            const remote = hlcTimestamp(T0 + maxSkewMs + excess, 0, 'us-east-1');
            const received = clock.receive(remote);
            expect(received).toEqual({ wallMs: remote.wallMs, logical: 1, region: 'eu-west-1' });
            expect(clock.aheadMs).toBe(maxSkewMs + excess);
            expect(compareHlc(clock.now(), received)).toBe(1);
          },
        ),
        runs(1000),
      );
    });

    it('refuses to overflow the logical counter', () => {
      const clock = new HybridLogicalClock({ region: 'eu-west-1', wallClock: () => T0 });
      expect(() => clock.receive(hlcTimestamp(T0, MAX_LOGICAL, 'us-east-1'))).toThrow(
        /hlc logical counter overflowed .* in eu-west-1/,
      );
    });
  });

  describe('order and string form', () => {
    it('breaks ties by region, so distinct regions never tie', () => {
      const a = hlcTimestamp(T0, 1, 'eu-west-1');
      const b = hlcTimestamp(T0, 1, 'us-east-1');
      expect(compareHlc(a, b)).toBe(-1);
      expect(compareHlc(b, a)).toBe(1);
      expect(compareHlc(a, a)).toBe(0);
    });

    it('sorts the string form in the same order as the timestamps (1,000 runs)', () => {
      fc.assert(
        fc.property(stampArb, stampArb, (a, b) => {
          const byString = formatHlc(a) < formatHlc(b) ? -1 : formatHlc(a) > formatHlc(b) ? 1 : 0;
          expect(byString).toBe(compareHlc(a, b));
        }),
        runs(1000),
      );
    });

    it('round-trips through the string form', () => {
      const stamp = hlcTimestamp(T0 + 123, 42, 'ap-southeast-2');
      expect(formatHlc(stamp)).toBe('2023-11-14T22:13:20.123Z-000042-ap-southeast-2');
      expect(parseHlc(formatHlc(stamp))).toEqual(stamp);
    });

    it.each([
      ['', 'hlc must look like 2024-06-01T12:00:00.000Z-000003-eu-west-1, got ""'],
      ['2023-11-14T22:13:20.123Z-42-eu-west-1', 'hlc must look like'],
      ['2023-13-14T22:13:20.123Z-000042-eu-west-1', 'hlc must look like'],
      ['2023-11-14T22:13:20.123Z-000042-EU', 'hlc region must be 1-63 lowercase letters'],
    ])('rejects %j with a clear message', (text, message) => {
      expect(() => parseHlc(text)).toThrow(message);
    });

    it('validates the parts of a timestamp', () => {
      expect(() => hlcTimestamp(-1, 0, 'eu-west-1')).toThrow('hlc wall time must be an integer');
      expect(() => hlcTimestamp(T0, 1.5, 'eu-west-1')).toThrow(
        'hlc logical counter must be an integer 0-999999, got 1.5',
      );
      expect(() => new HybridLogicalClock({ region: 'eu-west-1', maxSkewMs: -1 })).toThrow(
        'hlc maxSkewMs must be a non-negative integer, got -1',
      );
      const broken = new HybridLogicalClock({ region: 'eu-west-1', wallClock: () => Number.NaN });
      expect(() => broken.now()).toThrow(
        'hlc wall clock returned NaN; it must return epoch milliseconds',
      );
    });
  });
});
