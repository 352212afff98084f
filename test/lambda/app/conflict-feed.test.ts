import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import {
  processBatch,
  processChange,
  type FeedDeps,
  type StreamChange,
} from '../../../lambda/app/conflict-feed';
import { changeOf, makeStreamHandler } from '../../../lambda/handlers/stream';
import type { MemoryGlobalTable } from '../../../lambda/replication/memory-table';
import {
  conflictedAccount,
  memoryApi,
  memoryReplica,
  streamChangesOf,
} from '../../helpers/api-harness';

const US = 'us-east-1';
const EU = 'eu-west-1';
const REGIONS = [US, EU, 'ap-southeast-2'];

function feed(world: MemoryGlobalTable, region: string) {
  const metrics: Array<{ name: string; value: number; dimensions?: Record<string, string> }> = [];
  const lags: Array<{ origin: string; lagMs: number }> = [];
  const deps: FeedDeps = {
    region,
    primaryRegion: US,
    replica: memoryReplica(world, region),
    now: () => 1_700_000_000_000,
    metric: (name, value, _unit, dimensions) =>
      metrics.push({ name, value, ...(dimensions ? { dimensions } : {}) }),
    recordLag: async (origin, lagMs) => {
      lags.push({ origin, lagMs });
    },
  };
  return { deps, metrics, lags };
}

/** Every change of an object in a region's stream (local and replicated writes). */
function changesIn(world: MemoryGlobalTable, region: string, pk: string): StreamChange[] {
  return streamChangesOf(world, region).filter((change) => change.newImage?.pk === pk);
}

describe('conflict feed', () => {
  test('a resolving write is counted once: by the region that made it', async () => {
    // GIVEN concurrent profile patches resolved by a later write in eu-west-1
    const api = memoryApi(REGIONS);
    await api.call(US, 'PUT', '/v1/tenants/t/profiles/p', { body: { fields: { a: 1 } } });
    api.world.deliverAll();
    await api.call(US, 'PATCH', '/v1/tenants/t/profiles/p', { body: { fields: { a: 2 } } });
    await api.call(EU, 'PATCH', '/v1/tenants/t/profiles/p', { body: { fields: { b: 3 } } });
    api.world.deliverAll();
    await api.call(EU, 'PATCH', '/v1/tenants/t/profiles/p', { body: { fields: { c: 4 } } });
    api.world.deliverAll();
    // WHEN every region's consumer sees every slot of the object
    const counted = [];
    for (const region of REGIONS) {
      const { deps, metrics } = feed(api.world, region);
      await processBatch(changesIn(api.world, region, 'T#t#profile#p'), deps);
      counted.push(...metrics.filter((metric) => metric.name === 'Conflicts'));
    }
    // THEN exactly one region counted it, by data class
    expect(counted).toEqual([
      { name: 'Conflicts', value: 1, dimensions: { dataClass: 'profiles' } },
    ]);
  });

  test('concurrent money versions: the home opens one case, counted once', async () => {
    const api = memoryApi(REGIONS);
    await conflictedAccount(api, 'm', 'a');
    const outcomes = [];
    const conflicts = [];
    for (const region of REGIONS) {
      for (let pass = 0; pass < 2; pass += 1) {
        const { deps, metrics } = feed(api.world, region);
        const { outcomes: regionOutcomes } = await processBatch(
          changesIn(api.world, region, 'T#m#ledger-account#a'),
          deps,
        );
        outcomes.push(...regionOutcomes.map((outcome) => `${region}:${outcome.kind}`));
        conflicts.push(...metrics.filter((metric) => metric.name === 'Conflicts'));
      }
    }
    expect(conflicts).toEqual([
      { name: 'Conflicts', value: 1, dimensions: { dataClass: 'ledger' } },
    ]);
    expect(outcomes).toContain(`${EU}:case-opened`);
    expect(outcomes).toContain(`${EU}:case-exists`);
    expect(outcomes).toContain(`${US}:not-home`);
    const cases = await api.call(EU, 'GET', '/v1/reconciliation');
    expect(cases.body.cases).toHaveLength(1);
  });

  test('a replicated heartbeat gives the lag of that region pair', async () => {
    const api = memoryApi(REGIONS);
    const { deps, metrics, lags } = feed(api.world, EU);
    const outcome = await processChange(
      {
        sequenceNumber: '1',
        eventName: 'MODIFY',
        newImage: { pk: '__control__', sk: `heartbeat#${US}`, writer: US, sentAtMs: 1_000 },
        approximateCreationMs: 2_000,
      },
      deps,
    );
    expect(outcome).toEqual({ kind: 'lag-measured', origin: US, lagMs: 1_000 });
    expect(metrics).toEqual([
      { name: 'ReplicationLagMs', value: 1_000, dimensions: { sourceRegion: US } },
    ]);
    expect(lags).toEqual([{ origin: US, lagMs: 1_000 }]);
    // its own heartbeat is not a lag
    expect(
      await processChange(
        {
          sequenceNumber: '2',
          eventName: 'MODIFY',
          newImage: { pk: '__control__', sk: `heartbeat#${EU}`, writer: EU, sentAtMs: 1 },
        },
        deps,
      ),
    ).toEqual({ kind: 'ignored' });
  });

  test('a failing record and everything after it are reported for retry', async () => {
    const api = memoryApi(REGIONS);
    const { deps } = feed(api.world, EU);
    let calls = 0;
    const failing: FeedDeps = {
      ...deps,
      recordLag: async () => {
        calls += 1;
        if (calls === 2) throw new Error('throttled');
      },
    };
    const heartbeat = (sequenceNumber: string): StreamChange => ({
      sequenceNumber,
      eventName: 'MODIFY',
      newImage: { pk: '__control__', sk: `heartbeat#${US}`, writer: US, sentAtMs: 1 },
    });
    const result = await processBatch([heartbeat('a'), heartbeat('b'), heartbeat('c')], failing);
    expect(result.failures).toEqual(['b', 'c']);
  });

  test('the Lambda handler unmarshalls stream images and answers batch item failures', async () => {
    const api = memoryApi(REGIONS);
    const { deps, lags } = feed(api.world, EU);
    const record: DynamoDBRecord = {
      eventID: 'e-1',
      eventName: 'MODIFY',
      dynamodb: {
        SequenceNumber: '42',
        ApproximateCreationDateTime: 3,
        NewImage: marshall({
          pk: '__control__',
          sk: `heartbeat#${US}`,
          writer: US,
          sentAtMs: 1_500,
        }) as never,
      },
    };
    expect(changeOf(record)).toMatchObject({ sequenceNumber: '42', approximateCreationMs: 3_000 });
    const handler = makeStreamHandler(deps, () => undefined);
    await expect(handler({ Records: [record] })).resolves.toEqual({ batchItemFailures: [] });
    expect(lags).toEqual([{ origin: US, lagMs: 1_500 }]);
  });
});
