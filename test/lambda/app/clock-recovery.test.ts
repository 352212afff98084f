import { MemoryIdempotencyStore } from '../../../lambda/adapters/memory-replica';
import type { RegionReplica } from '../../../lambda/app/ports';
import { makeHandler } from '../../../lambda/handlers/api';
import {
  apiDeps,
  call,
  memoryReplica,
  memoryTable,
  type Recorded,
} from '../../helpers/api-harness';

const REGIONS = ['us-east-1', 'eu-west-1'];
const FIVE_MINUTES = 5 * 60_000;

/**
 * A region learns its clock's offset only from the Date header of DynamoDB's answers (the clock
 * monitor). A region that refuses writes for skew must still make the call that tells it its clock
 * is fixed, or it refuses for ever under writes alone.
 */
describe('a region whose clock was off takes writes again once it is fixed', () => {
  test('the refused write still reads from DynamoDB, so the fix is seen by the next write', async () => {
    const world = memoryTable(REGIONS);
    let clockFixed = false;
    let measuredOffset = FIVE_MINUTES;
    // every answer from a replica carries AWS time: the monitor measures the clock as it is then
    const watched = (replica: RegionReplica): RegionReplica =>
      new Proxy(replica, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            const result: unknown = await (value as (...a: unknown[]) => unknown).apply(
              target,
              args,
            );
            measuredOffset = clockFixed ? 0 : FIVE_MINUTES;
            return result;
          };
        },
      });
    const recorded: Recorded = { metrics: [], errors: [] };
    const region = 'eu-west-1';
    const handler = makeHandler(
      apiDeps(
        {
          regions: REGIONS,
          region,
          replicas: (target) => watched(memoryReplica(world, target, region)),
          idempotency: new MemoryIdempotencyStore(world, region),
          ownClockOffsetMs: () => measuredOffset,
        },
        recorded,
      ),
    );
    const add = () => call(handler, 'POST', '/v1/tenants/t1/counters/c', { body: { delta: 1 } });

    const refused = await add();
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'clock_skew' });

    clockFixed = true;
    // the first write after the fix is refused on what the monitor knew when it started, but its
    // own DynamoDB answers tell the monitor the clock is right again
    const statuses = [(await add()).status, (await add()).status];
    expect(statuses).toContain(200);
    expect(statuses[1]).toBe(200);
  });
});
