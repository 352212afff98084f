import fc from 'fast-check';
import {
  divergenceReport,
  missingPastGrace,
  type ItemVersion,
} from '../../../lambda/app/divergence';

const NOW = 10_000_000;
const GRACE = 300_000;
const slot = (key: string, version: number, writtenAtMs: number): ItemVersion => ({
  key,
  version,
  writtenAtMs,
});

describe('divergence probe rules', () => {
  test('a remote version still missing locally after the grace period is divergence', () => {
    const copies = {
      entity: 'ledger',
      remoteRegion: 'us-east-1',
      local: [slot('S#us-east-1', 3, NOW - 900_000)],
      remote: [slot('S#us-east-1', 4, NOW - 400_000)],
    };
    expect(missingPastGrace(copies, NOW, GRACE).map((item) => item.key)).toEqual(['S#us-east-1']);
  });

  test('a fresh remote write still replicating is not divergence', () => {
    const copies = {
      entity: 'ledger',
      remoteRegion: 'us-east-1',
      local: [slot('S#us-east-1', 3, NOW - 900_000)],
      remote: [slot('S#us-east-1', 4, NOW - 2_000)],
    };
    expect(missingPastGrace(copies, NOW, GRACE)).toEqual([]);
  });

  test('a heartbeat never received is divergence only once its series is older than the grace (a fresh deploy is not)', () => {
    const remote = (seriesStartMs?: number): ItemVersion => ({
      key: 'hb',
      version: NOW - 10_000,
      writtenAtMs: NOW - 10_000,
      periodic: true,
      ...(seriesStartMs === undefined ? {} : { seriesStartMs }),
    });
    const copiesOf = (item: ItemVersion) => ({
      entity: 'heartbeat',
      remoteRegion: 'us-east-1',
      local: [],
      remote: [item],
    });
    // first heartbeats after a deploy: still replicating
    expect(missingPastGrace(copiesOf(remote(NOW - 60_000)), NOW, GRACE)).toEqual([]);
    // the series began long ago and this replica never got one: replication is stuck
    expect(missingPastGrace(copiesOf(remote(NOW - 3_600_000)), NOW, GRACE)).toHaveLength(1);
    // a heartbeat written before series starts were recorded: judged by its own (fresh) time
    expect(missingPastGrace(copiesOf(remote()), NOW, GRACE)).toEqual([]);
  });

  test('a heartbeat that has not moved locally for longer than the grace is divergence, although the remote one is fresh', () => {
    const heartbeat = (writtenAtMs: number): ItemVersion => ({
      key: 'hb',
      version: writtenAtMs,
      writtenAtMs,
      periodic: true,
    });
    const stuck = {
      entity: 'heartbeat',
      remoteRegion: 'us-east-1',
      local: [heartbeat(NOW - 600_000)],
      remote: [heartbeat(NOW - 10_000)],
    };
    const flowing = {
      entity: 'heartbeat',
      remoteRegion: 'us-east-1',
      local: [heartbeat(NOW - 70_000)],
      remote: [heartbeat(NOW - 10_000)],
    };
    expect(divergenceReport([stuck, flowing], NOW, GRACE)).toMatchObject({
      divergentEntities: 1,
      checked: 2,
    });
  });

  test('an entity missing from two regions counts once', () => {
    const copies = ['us-east-1', 'ap-southeast-2'].map((remoteRegion) => ({
      entity: 'acc',
      remoteRegion,
      local: [],
      remote: [slot(`S#${remoteRegion}`, 1, NOW - 1_000_000)],
    }));
    expect(divergenceReport(copies, NOW, GRACE).divergentEntities).toBe(1);
  });

  test('property: a local copy at least as new as the remote never counts', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.nat(1000),
        fc.nat(NOW),
        fc.boolean(),
        (extra, version, writtenAtMs, periodic) => {
          const remote = { key: 'k', version, writtenAtMs, periodic };
          const local = { key: 'k', version: version + extra, writtenAtMs, periodic };
          return (
            missingPastGrace(
              { entity: 'e', remoteRegion: 'r', local: [local], remote: [remote] },
              NOW,
              GRACE,
            ).length === 0
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
