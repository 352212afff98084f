import fc from 'fast-check';
import { homeRegionForNewTenant, regionForGeography } from '../../../lambda/domain/geography';
import { DEFAULT_VIRTUAL_NODES, HashRing, murmur3 } from '../../../lambda/domain/hash-ring';
import { hlcTimestamp } from '../../../lambda/domain/hlc';
import {
  assertCurrentEpoch,
  deserializeOwnership,
  forceTakeover,
  initialOwnership,
  mergeOwnership,
  serializeOwnership,
  StaleEpochError,
  transferOwnership,
} from '../../../lambda/domain/ownership';
import { KNOWN_REGIONS } from '../../../lib/config/regions';
import { runs } from './support/fast-check';

const T0 = 1_700_000_000_000;
const at = (offset: number, region: string) => hlcTimestamp(T0 + offset, 0, region);

describe('ownership', () => {
  const initial = initialOwnership('acme', 'us-east-1', at(0, 'us-east-1'));

  it('transfers from the home only, bumping the epoch', () => {
    const moved = transferOwnership(initial, 'eu-west-1', at(10, 'us-east-1'));
    expect(moved).toMatchObject({ home: 'eu-west-1', epoch: 2 });
    expect(() => transferOwnership(moved, 'ap-southeast-2', at(20, 'us-east-1'))).toThrow(
      'tenant acme can only be transferred by its home region eu-west-1, not us-east-1; forward the transfer to eu-west-1',
    );
    expect(() => transferOwnership(moved, 'eu-west-1', at(20, 'eu-west-1'))).toThrow(
      'tenant acme is already homed in eu-west-1; pick another region',
    );
  });

  it('fences writes that carry a stale epoch', () => {
    const moved = transferOwnership(initial, 'eu-west-1', at(10, 'us-east-1'));
    expect(() => assertCurrentEpoch(moved, 1)).toThrow(StaleEpochError);
    expect(() => assertCurrentEpoch(moved, 1)).toThrow(
      'write for tenant acme carries owner epoch 1, but the current epoch is 2 with home eu-west-1; re-read ownership and send the write to eu-west-1',
    );
    expect(() => assertCurrentEpoch(moved, 2)).not.toThrow();
  });

  it('merges ownership slots by epoch, then HLC, in any order', () => {
    const moved = transferOwnership(initial, 'eu-west-1', at(10, 'us-east-1'));
    // The old home is unreachable: ap-southeast-2 takes over from what it saw (epoch 1).
    const takeover = forceTakeover(initial, at(12, 'ap-southeast-2'));
    const records = [initial, moved, takeover];
    const winner = mergeOwnership(records);
    expect(winner).toEqual(takeover);
    expect(mergeOwnership([...records].reverse())).toEqual(winner);
    expect(deserializeOwnership(serializeOwnership(takeover))).toEqual(takeover);
    expect(() => forceTakeover(moved, at(20, 'eu-west-1'))).toThrow(
      'region eu-west-1 already owns tenant acme; a takeover is made by the region taking over',
    );
  });
});

describe('consistent-hash ring', () => {
  it('hashes with MurmurHash3 x86 32-bit (reference vectors)', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('test')).toBe(0xba6bd213);
    expect(murmur3('Hello, world!')).toBe(0xc0363e43);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });

  const subsetArb = fc.shuffledSubarray([...KNOWN_REGIONS], { minLength: 2, maxLength: 6 });
  const KEYS = Array.from({ length: 40_000 }, (_, index) => `tenant-${index}`);

  it(`keeps every region within 10% of its fair share with ${DEFAULT_VIRTUAL_NODES} virtual nodes (25 region sets)`, () => {
    fc.assert(
      fc.property(subsetArb, (regions) => {
        const ring = new HashRing(regions);
        const counts = new Map<string, number>();
        for (const key of KEYS) {
          const owner = ring.ownerOf(key);
          counts.set(owner, (counts.get(owner) ?? 0) + 1);
        }
        const fair = KEYS.length / regions.length;
        for (const region of regions) {
          expect(Math.abs((counts.get(region) ?? 0) - fair) / fair).toBeLessThanOrEqual(0.1);
        }
      }),
      runs(25),
    );
  });

  it('moves at most 1/N + 5% of keys when a region is added, and only to the new region (25 region sets)', () => {
    fc.assert(
      fc.property(subsetArb, fc.nat(), (regions, pick) => {
        const candidates = KNOWN_REGIONS.filter((region) => !regions.includes(region));
        const added = candidates[pick % candidates.length] as string;
        const before = new HashRing(regions);
        const after = before.withRegion(added);
        let moved = 0;
        let movedElsewhere = 0;
        for (const key of KEYS) {
          const owner = after.ownerOf(key);
          if (owner !== before.ownerOf(key)) {
            moved += 1;
            movedElsewhere += owner === added ? 0 : 1;
          }
        }
        expect(movedElsewhere).toBe(0);
        expect(moved / KEYS.length).toBeLessThanOrEqual(1 / after.regions.length + 0.05);
      }),
      runs(25),
    );
  });

  it('is deterministic and validates its input', () => {
    expect(new HashRing(['eu-west-1', 'us-east-1']).ownerOf('acme')).toBe(
      new HashRing(['us-east-1', 'eu-west-1']).ownerOf('acme'),
    );
    expect(() => new HashRing([])).toThrow('hash ring needs at least one region');
    expect(() => new HashRing(['eu-west-1', 'eu-west-1'])).toThrow(
      'hash ring regions must be distinct, got eu-west-1, eu-west-1',
    );
    expect(() => new HashRing(['eu-west-1'], { virtualNodes: 0 })).toThrow(
      'hash ring virtualNodes must be an integer 1-65536, got 0',
    );
    expect(() => new HashRing(['eu-west-1']).withoutRegion('us-east-1')).toThrow(
      'hash ring has no region us-east-1; it holds eu-west-1',
    );
  });
});

describe('geography', () => {
  const deployed = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

  it('prefers the country, then the continent, among deployed regions', () => {
    expect(regionForGeography({ country: 'DE', continent: 'EU' }, deployed)).toBe('eu-west-1');
    expect(regionForGeography({ country: 'NZ' }, deployed)).toBe('ap-southeast-2');
    expect(regionForGeography({ continent: 'NA' }, deployed)).toBe('us-east-1');
    expect(regionForGeography({ country: 'ZZ' }, deployed)).toBeUndefined();
    expect(() => regionForGeography({ country: 'germany' }, deployed)).toThrow(
      'geography code must be two upper-case letters (a country such as DE or a continent such as EU), got "germany"',
    );
  });

  it('falls back to the ring for unknown geographies', () => {
    const ring = new HashRing(deployed);
    expect(homeRegionForNewTenant('acme', {}, ring)).toBe(ring.ownerOf('acme'));
    expect(homeRegionForNewTenant('acme', { country: 'AU' }, ring)).toBe('ap-southeast-2');
  });
});
