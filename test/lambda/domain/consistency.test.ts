import fc from 'fast-check';
import {
  decideReadYourWrites,
  estimateStalenessMs,
  mergeQuorumReplies,
  parseConsistencyLevel,
  planRead,
  quorumSize,
  type ReplicaReply,
} from '../../../lambda/domain/consistency';
import { PN_COUNTER, PNCounter } from '../../../lambda/domain/crdt/pn-counter';
import { formatHlc, hlcTimestamp } from '../../../lambda/domain/hlc';
import { emptySession, recordWrite } from '../../../lambda/domain/session-token';
import {
  buildSlotItem,
  mergeSlotItems,
  type ObjectKey,
  type SlotItem,
} from '../../../lambda/domain/storage-layout';
import { runs } from './support/fast-check';

const T0 = 1_700_000_000_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const stamp = (offset: number, region: string) => hlcTimestamp(T0 + offset, 0, region);

describe('read-your-writes', () => {
  const session = recordWrite(
    recordWrite(emptySession(T0), stamp(10, 'eu-west-1')),
    stamp(20, 'us-east-1'),
  );

  it('serves locally once the replica has applied every session write', () => {
    const watermark = {
      region: 'ap-southeast-2',
      appliedThrough: {
        'eu-west-1': formatHlc(stamp(10, 'eu-west-1')),
        'us-east-1': formatHlc(stamp(25, 'us-east-1')),
      },
    };
    expect(decideReadYourWrites(session, watermark, 'us-east-1')).toEqual({ kind: 'serve-local' });
  });

  it('reads from home while a session write is missing, and says which', () => {
    const watermark = {
      region: 'ap-southeast-2',
      appliedThrough: { 'eu-west-1': formatHlc(stamp(10, 'eu-west-1')) },
    };
    expect(decideReadYourWrites(session, watermark, 'us-east-1')).toEqual({
      kind: 'read-from-home',
      home: 'us-east-1',
      missing: [
        { origin: 'us-east-1', needed: formatHlc(stamp(20, 'us-east-1')), applied: undefined },
      ],
    });
  });

  it('needs no watermark for writes made in the reading region itself', () => {
    const onlyEu = recordWrite(emptySession(T0), stamp(10, 'eu-west-1'));
    expect(
      decideReadYourWrites(onlyEu, { region: 'eu-west-1', appliedThrough: {} }, 'us-east-1'),
    ).toEqual({
      kind: 'serve-local',
    });
  });

  it('serves locally exactly when every watermark covers the session (1,000 runs)', () => {
    const offset = fc.integer({ min: 0, max: 5 });
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...REGIONS), offset),
        fc.dictionary(fc.constantFrom(...REGIONS), offset),
        fc.constantFrom(...REGIONS),
        (writes, applied, reader) => {
          let state = emptySession(T0);
          for (const [region, at] of Object.entries(writes))
            state = recordWrite(state, stamp(at, region));
          const watermark = {
            region: reader,
            appliedThrough: Object.fromEntries(
              Object.entries(applied).map(([region, at]) => [region, formatHlc(stamp(at, region))]),
            ),
          };
          const covered = Object.entries(writes).every(
            ([region, at]) => region === reader || (applied[region] ?? -1) >= at,
          );
          const decision = decideReadYourWrites(state, watermark, 'home-region');
          expect(decision.kind).toBe(covered ? 'serve-local' : 'read-from-home');
        },
      ),
      runs(1000),
    );
  });
});

describe('planRead', () => {
  const base = { region: 'eu-west-1', home: 'us-east-1', regions: REGIONS };

  it.each([
    ['local', { kind: 'serve-local', consistentRead: false }],
    ['read-your-writes', { kind: 'serve-local', consistentRead: true }],
    ['strong', { kind: 'read-from-home', home: 'us-east-1', missing: [] }],
    [
      'quorum',
      { kind: 'quorum', regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'], needed: 2 },
    ],
  ] as const)('plans a %s read', (level, plan) => {
    expect(planRead({ ...base, level })).toEqual(plan);
  });

  it('reads strongly from the local replica in the home region', () => {
    expect(planRead({ ...base, level: 'strong', region: 'us-east-1' })).toEqual({
      kind: 'serve-local',
      consistentRead: true,
    });
  });

  it('parses levels with a clear error', () => {
    expect(parseConsistencyLevel(undefined)).toBe('local');
    expect(parseConsistencyLevel('quorum')).toBe('quorum');
    expect(() => parseConsistencyLevel('eventual')).toThrow(
      'consistency must be one of local | read-your-writes | strong | quorum, got "eventual"',
    );
  });
});

describe('quorum reads', () => {
  const key: ObjectKey = { tenantId: 'acme', type: 'pn-counter', objectId: 'visits' };
  const slot = (region: string, count: number, rev: number): SlotItem => ({
    ...buildSlotItem({
      key,
      region,
      state: PNCounter.empty().add(region, count).serialize(),
      hlc: stamp(rev, region),
    }),
    rev,
  });

  it('needs a majority', () => {
    expect([1, 2, 3, 4, 5].map(quorumSize)).toEqual([1, 2, 2, 3, 3]);
    expect(() => mergeQuorumReplies([{ region: 'eu-west-1', slots: [] }], 3)).toThrow(
      'quorum read needs 2 of 3 replicas, got 1 (eu-west-1); retry or use a weaker consistency',
    );
    expect(() =>
      mergeQuorumReplies(
        [
          { region: 'eu-west-1', slots: [] },
          { region: 'eu-west-1', slots: [] },
        ],
        3,
      ),
    ).toThrow('quorum read got two replies from eu-west-1; count each replica once');
  });

  it('takes the newest copy of every slot across replicas', () => {
    const replies: ReplicaReply[] = [
      { region: 'eu-west-1', slots: [slot('eu-west-1', 5, 3), slot('us-east-1', 1, 1)] },
      {
        region: 'us-east-1',
        slots: [slot('eu-west-1', 2, 1), slot('us-east-1', 4, 2), slot('ap-southeast-2', 7, 1)],
      },
    ];
    const merged = mergeQuorumReplies(replies, 3);
    expect(merged.map((item) => [item.region, item.rev])).toEqual([
      ['ap-southeast-2', 1],
      ['eu-west-1', 3],
      ['us-east-1', 2],
    ]);
    expect(mergeSlotItems(PN_COUNTER, merged).value).toBe(16);
  });

  it('estimates staleness from the oldest watermark', () => {
    const watermark = {
      region: 'eu-west-1',
      appliedThrough: {
        'us-east-1': formatHlc(stamp(100, 'us-east-1')),
        'ap-southeast-2': formatHlc(stamp(40, 'ap-southeast-2')),
      },
    };
    expect(estimateStalenessMs(watermark, REGIONS, T0 + 200)).toBe(160);
    expect(
      estimateStalenessMs({ region: 'eu-west-1', appliedThrough: {} }, REGIONS, T0),
    ).toBeUndefined();
  });
});
