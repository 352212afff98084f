/**
 * The history checker's throughput: random histories per second on the in-memory store, through
 * the same code path as test/checker/checker.test.ts (plan, scheduler, world, properties (a)-(g)),
 * run outside jest with fast-check's `fc.check`. Baseline: the same number of plans, from the same
 * seed, with the chaos emptied (no partitions, paused or isolated replicas, clock skew, rollouts,
 * takeovers or injected call faults), so the ratio is what the faults cost.
 */
import fc from 'fast-check';
import { initialPolicyArb, planArb, REGIONS } from '../../test/checker/arbitraries';
import { runPlan, type Plan } from '../../test/checker/driver';
import { memoryStore } from '../../test/checker/memory-store';
import { checkEveryPromise } from '../../test/checker/properties';
import { CheckerWorld } from '../../test/checker/world';
import { fixed, median, type BenchCheck, type BenchSuite } from '../harness';

/** As many histories as one `npm test` run checks, in rounds that alternate the two runs. */
const HISTORIES = 200;
const ROUNDS = 4;
const PER_ROUND = HISTORIES / ROUNDS;
const WARMUP = 20;
const SEED = 20_261_127;

interface Outcome {
  readonly seconds: number;
  readonly operations: number;
  readonly chaosEvents: number;
  /** Histories with at least one violation (the first one's description). */
  readonly violations: string[];
}

async function runHistories(
  plans: fc.Arbitrary<Plan>,
  numRuns: number,
  seed: number,
): Promise<Outcome> {
  let operations = 0;
  let chaosEvents = 0;
  const violations: string[] = [];
  const started = performance.now();
  await fc.check(
    fc.asyncProperty(
      plans,
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
        operations += run.history.operations.length;
        chaosEvents += plan.chaos.length;
        const found = [
          ...checkEveryPromise(run),
          ...world.errors.map((error) => `500 in ${error.region}: ${error.message}`),
        ];
        // counted, not thrown: every history runs, so the rate covers all of them
        if (found.length > 0) violations.push(found[0] as string);
        return true;
      },
    ),
    { numRuns, seed },
  );
  return { seconds: (performance.now() - started) / 1000, operations, chaosEvents, violations };
}

export const suite: BenchSuite = {
  name: 'checker',
  title: 'History checker: random histories per second',
  description: `${HISTORIES} random histories (three regions, concurrent clients interleaved by fast-check's scheduler, the real handler and conflict feed, replication by the engine, then properties (a)-(g)) on the in-memory store, the code path of test/checker/checker.test.ts run outside jest with \`fc.check\`, in ${ROUNDS} rounds of ${PER_ROUND} (seeds ${SEED} to ${SEED + ROUNDS - 1}) after ${WARMUP} untimed histories. Baseline: the same plans (same seeds, so the same clients and ticks) with the chaos list emptied, run in the same rounds; the ratio is the median of per-round ratios of histories per second.`,
  async run(context) {
    const mix = { sdkRetries: true, keyedRetries: true };
    const calmPlans = planArb(mix).map((plan) => ({ ...plan, chaos: [] }));
    const chaoticPlans = planArb(mix);
    context.log(`checker: warm-up, ${WARMUP} histories each`);
    await runHistories(calmPlans, WARMUP, SEED - 1);
    await runHistories(chaoticPlans, WARMUP, SEED - 1);
    const calmRounds: Outcome[] = [];
    const chaoticRounds: Outcome[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      context.log(`checker: round ${round + 1}/${ROUNDS}, ${PER_ROUND} histories each`);
      calmRounds.push(await runHistories(calmPlans, PER_ROUND, SEED + round));
      chaoticRounds.push(await runHistories(chaoticPlans, PER_ROUND, SEED + round));
    }
    const total = (rounds: Outcome[]): Outcome => ({
      seconds: rounds.reduce((sum, outcome) => sum + outcome.seconds, 0),
      operations: rounds.reduce((sum, outcome) => sum + outcome.operations, 0),
      chaosEvents: rounds.reduce((sum, outcome) => sum + outcome.chaosEvents, 0),
      violations: rounds.flatMap((outcome) => outcome.violations),
    });
    const calm = total(calmRounds);
    const chaotic = total(chaoticRounds);
    const rate = (outcome: Outcome) => HISTORIES / outcome.seconds;
    const vsCalm = median(
      chaoticRounds.map(
        (outcome, round) => (calmRounds[round] as Outcome).seconds / outcome.seconds,
      ),
    );
    const row = (name: string, outcome: Outcome, ratioToCalm: number) => [
      name,
      HISTORIES,
      outcome.operations,
      outcome.chaosEvents,
      fixed(outcome.seconds),
      fixed(rate(outcome), 1),
      fixed(ratioToCalm),
    ];
    const checks: BenchCheck[] = [
      {
        description: `every history keeps every promise (seeds ${SEED} to ${SEED + ROUNDS - 1})`,
        passed: calm.violations.length === 0 && chaotic.violations.length === 0,
        detail:
          calm.violations.length + chaotic.violations.length === 0
            ? 'no violations'
            : `${calm.violations.length} without faults, ${chaotic.violations.length} with; first: ${[...calm.violations, ...chaotic.violations][0]?.split('\n')[0]}`,
      },
      {
        description: `at least ${HISTORIES} histories within 30 s (the budget of the in-memory checker in npm test)`,
        passed: chaotic.seconds <= 30,
        detail: `${fixed(chaotic.seconds)} s`,
      },
    ];
    return {
      tables: [
        {
          columns: [
            'histories',
            'count',
            'client operations',
            'chaos events',
            'seconds',
            'histories/s',
            'vs baseline',
          ],
          rows: [
            row('without faults (baseline)', calm, 1),
            row('with faults (as npm test)', chaotic, vsCalm),
          ],
        },
      ],
      checks,
      notes: [
        'A ratio below 1 means histories with faults run slower than the same plans without them (partitions and paused replicas make more reads go remote or fail, retries and takeovers add requests).',
      ],
    };
  },
};
