import { ORSet } from '../../../lambda/domain/crdt/or-set';
import { hlcTimestamp } from '../../../lambda/domain/hlc';
import { MERGE_REGISTRY } from '../../../lambda/domain/merge-registry';
import {
  buildSlotItem,
  caseKeyOf,
  isExpiring,
  mergeSlotItems,
  objectPartitionKey,
  ownershipSlotKeyOf,
  ownSlotOf,
  parseObjectPartitionKey,
  parseSlotItem,
  slotKeyOf,
  slotWriteCondition,
  TTL_WRITE_MARGIN_SECONDS,
  type ObjectKey,
} from '../../../lambda/domain/storage-layout';

const T0 = 1_700_000_000_000;
const key: ObjectKey = { tenantId: 'acme', type: 'or-set', objectId: 'favourites' };

describe('item keys', () => {
  it('puts every slot of an object in one partition, one sort key per writing region', () => {
    expect(slotKeyOf(key, 'eu-west-1')).toEqual({
      pk: 'T#acme#or-set#favourites',
      sk: 'S#eu-west-1',
    });
    expect(ownershipSlotKeyOf('acme', 'us-east-1')).toEqual({
      pk: 'T#acme#ownership',
      sk: 'S#us-east-1',
    });
    // one case item per object: a newer conflict supersedes the open case in place ([J])
    expect(caseKeyOf({ ...key, type: 'ledger-account' })).toEqual({
      pk: 'T#acme#cases',
      sk: 'ledger-account#favourites',
    });
    expect(parseObjectPartitionKey(objectPartitionKey(key))).toEqual(key);
  });

  it.each([
    [
      { ...key, tenantId: '__control__' },
      'tenant id must be 1-128 letters, digits, _, -, . or : and must not start with __, got "__control__"',
    ],
    [{ ...key, tenantId: 'a#b' }, 'tenant id must be 1-128 letters'],
    [{ ...key, objectId: '' }, 'object id must be 1-256 letters, digits, _, -, . or :, got ""'],
    [
      { ...key, type: 'wishlist' as 'or-set' },
      'data type must be one of g-counter, pn-counter, or-set, profile, presence, cart, ledger-account, got "wishlist"',
    ],
  ])('rejects unusable keys: %j', (bad, message) => {
    expect(() => objectPartitionKey(bad)).toThrow(message);
  });
});

describe('slot items', () => {
  const first = buildSlotItem({
    key,
    region: 'eu-west-1',
    state: ORSet.empty().add('tea', 'eu-west-1').serialize(),
    hlc: hlcTimestamp(T0, 0, 'eu-west-1'),
  });

  it('carries the writer region, a revision for conditional writes and the write stamp', () => {
    expect(first).toEqual({
      pk: 'T#acme#or-set#favourites',
      sk: 'S#eu-west-1',
      type: 'or-set',
      region: 'eu-west-1',
      rev: 1,
      hlc: '2023-11-14T22:13:20.000Z-000000-eu-west-1',
      state: { c: { 'eu-west-1': 1 }, e: { tea: { 'eu-west-1': 1 } } },
    });
    expect(slotWriteCondition(first)).toEqual({
      conditionExpression: 'attribute_not_exists(pk)',
      expressionAttributeValues: {},
    });
    const second = buildSlotItem({
      key,
      region: 'eu-west-1',
      state: {},
      hlc: hlcTimestamp(T0, 1, 'eu-west-1'),
      previous: first,
    });
    expect(second.rev).toBe(2);
    expect(slotWriteCondition(second)).toEqual({
      conditionExpression: 'rev = :expectedRev',
      expressionAttributeValues: { ':expectedRev': 1 },
    });
    expect(parseSlotItem(JSON.parse(JSON.stringify(second)))).toEqual(second);
  });

  it("refuses to let a region write another region's slot", () => {
    expect(() =>
      buildSlotItem({
        key,
        region: 'us-east-1',
        state: {},
        hlc: hlcTimestamp(T0, 0, 'us-east-1'),
        previous: first,
      }),
    ).toThrow('region us-east-1 may only write its own slot S#us-east-1, not S#eu-west-1');
    expect(() =>
      buildSlotItem({ key, region: 'us-east-1', state: {}, hlc: hlcTimestamp(T0, 0, 'eu-west-1') }),
    ).toThrow('slot of us-east-1 must be stamped by its own clock, got a stamp from eu-west-1');
    expect(() => parseSlotItem({ ...first, region: 'us-east-1' })).toThrow(
      'slot item T#acme#or-set#favourites "S#eu-west-1" claims region us-east-1; a slot is written only by the region in its sort key',
    );
  });

  it('merges the slots of every region on read', () => {
    const us = buildSlotItem({
      key,
      region: 'us-east-1',
      state: ORSet.empty().add('coffee', 'us-east-1').serialize(),
      hlc: hlcTimestamp(T0, 0, 'us-east-1'),
    });
    expect(mergeSlotItems(MERGE_REGISTRY.crdtOf('or-set'), [first, us]).values()).toEqual([
      'coffee',
      'tea',
    ]);
    expect(ownSlotOf([first, us], 'us-east-1')).toBe(us);
    expect(() =>
      mergeSlotItems(MERGE_REGISTRY.crdtOf('or-set'), [
        first,
        { ...us, pk: 'T#acme#or-set#other' },
      ]),
    ).toThrow(
      'cannot merge slots of different objects: T#acme#or-set#favourites and T#acme#or-set#other',
    );
  });

  it('stops writes a safety margin before the TTL', () => {
    const expiresAt = Math.floor(T0 / 1000) + TTL_WRITE_MARGIN_SECONDS + 10;
    const expiring = { ...first, expiresAt };
    expect(isExpiring([expiring], T0)).toBe(false);
    expect(isExpiring([expiring], T0 + 10_000)).toBe(true);
  });
});
