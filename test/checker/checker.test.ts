/**
 * The history checker on random histories, in memory: concurrent clients in three regions through
 * the real handler and conflict feed, replication by the engine with seeded random delays, and
 * faults (partitions, paused replication, isolated replicas, clocks up to 5 minutes off, rollout
 * steps and primary changes reaching one region at a time, ownership transfers, operators' forced
 * takeovers, remote writes that commit and then time out, SDK retries of committed writes, keyed
 * retries in another region). After healing and full delivery, properties (a)-(g) must hold on
 * every history.
 */
import fc from 'fast-check';
import { runs } from '../lambda/domain/support/fast-check';
import { initialPolicyArb, planArb, REGIONS } from './arbitraries';
import { runPlan } from './driver';
import { describeHistory } from './history';
import { memoryStore } from './memory-store';
import { checkEveryPromise } from './properties';
import { CheckerWorld } from './world';

/** Random histories per `npm test` run (the budget: at least 200 within 30 s). */
const HISTORIES = Number(process.env.CHECKER_HISTORIES ?? 200);

describe('history checker, in memory, random histories', () => {
  test(`${HISTORIES} random histories keep every promise: (a) convergence, (b) CRDT sums, (c) the ledger, (d) one owner, (e) read levels, (f) idempotency, (g) clocks`, async () => {
    await fc.assert(
      fc.asyncProperty(
        planArb({ sdkRetries: true, keyedRetries: true }),
        initialPolicyArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.scheduler(),
        async (plan, policy, seed, scheduler) => {
          const store = memoryStore({ regions: REGIONS, seed });
          const world = new CheckerWorld(store, { policy });
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
        },
      ),
      runs(HISTORIES),
    );
  });
});
