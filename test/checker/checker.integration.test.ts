/**
 * The history checker against DynamoDB Local with three regions: the real DynamoDB adapters
 * (conditions, transactions, the open-cases index), replication by the engine from each region's
 * stream, faults as SDK middleware (an SDK retry resends the same request). Properties (a)-(g) on
 * random histories, as in memory.
 */
import fc from 'fast-check';
import {
  describeWithDynamoLocal,
  startDynamoLocal,
  type DynamoLocal,
} from '../helpers/dynamodb-local';
import { runs } from '../lambda/domain/support/fast-check';
import { initialPolicyArb, planArb, REGIONS } from './arbitraries';
import { runPlan } from './driver';
import { dynamoLocalStore } from './dynamo-local-store';
import { describeHistory } from './history';
import { checkEveryPromise } from './properties';
import { CheckerWorld } from './world';

const HISTORIES = Number(process.env.CHECKER_LOCAL_HISTORIES ?? 20);

describeWithDynamoLocal('history checker on DynamoDB Local, three regions', () => {
  let local: DynamoLocal;
  let table = 0;
  beforeAll(async () => {
    local = await startDynamoLocal('checker');
  });
  afterAll(async () => {
    await local?.stop();
  });

  test(`${HISTORIES} random histories keep every promise (a)-(g)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        planArb({ sdkRetries: true, keyedRetries: true }),
        initialPolicyArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.scheduler(),
        async (plan, policy, seed, scheduler) => {
          table += 1;
          const store = await dynamoLocalStore({
            local,
            regions: REGIONS,
            tableName: `checker-${table}`,
            seed,
          });
          const world = new CheckerWorld(store, { policy });
          try {
            const run = await runPlan(world, plan, {
              turn: (label) => scheduler.schedule(Promise.resolve(), label),
              waitFor: (task) => scheduler.waitFor(task),
            });
            const violations = [
              ...checkEveryPromise(run),
              ...world.errors.map((error) => `500 in ${error.region}: ${error.message}`),
            ];
            if (violations.length > 0) {
              throw new Error(
                `${violations.join('\n')}\n--- history\n${describeHistory(run.history)}`,
              );
            }
          } finally {
            await store.close();
          }
        },
      ),
      { ...runs(HISTORIES), endOnFailure: true },
    );
  });
});
