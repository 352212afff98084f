/**
 * Random histories: a few clients sending a mix of writes and reads at random regions, time
 * passing in ticks, and faults. Small pools of tenants, objects and elements, so requests collide.
 */
import fc from 'fast-check';
import { ROLLOUT_PHASES, type RolloutPhase } from '../../lambda/domain/catalog';
import type { ChaosEvent, Plan } from './driver';
import type { ClientOp, Consistency } from './history';

export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
const TENANTS = ['t1', 't2'];
const region = fc.constantFrom(...REGIONS);
const tenant = fc.constantFrom(...TENANTS);
const consistency = fc.constantFrom<Consistency>('local', 'read-your-writes', 'strong', 'quorum');

/** Which kinds of fault a run may inject. */
export interface FaultMix {
  /** Calls that commit and whose answer is lost, then retried by the SDK. */
  readonly sdkRetries: boolean;
  /** Keyed increments retried in another region. */
  readonly keyedRetries: boolean;
}

function opArb(mix: FaultMix): fc.Arbitrary<ClientOp> {
  const ops: Array<fc.WeightedArbitrary<ClientOp>> = [
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('counter.add' as const),
        tenant,
        counter: fc.constantFrom('c1', 'c2'),
        delta: fc.integer({ min: 1, max: 9 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constantFrom('set.add' as const, 'set.remove' as const),
        tenant,
        set: fc.constant('s1'),
        element: fc.constantFrom('red', 'green', 'blue'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('profile.patch' as const),
        tenant,
        profile: fc.constant('p1'),
        field: fc.constantFrom('name', 'city'),
        value: fc.constantFrom('ada', 'grace', 'linus'),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('ledger.entry' as const),
        tenant,
        account: fc.constant('a1'),
        entryId: fc.constant('placeholder'),
        amount: fc.integer({ min: -500, max: 500 }).filter((amount) => amount !== 0),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('home.transfer' as const), tenant, to: region }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('case.resolve' as const),
        tenant,
        account: fc.constant('a1'),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('read' as const),
        tenant,
        type: fc.constantFrom(
          'counter' as const,
          'set' as const,
          'profile' as const,
          'account' as const,
        ),
        id: fc.constant(''),
        consistency,
      }),
    },
  ];
  if (mix.keyedRetries) {
    ops.push({
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('counter.add-keyed' as const),
        tenant,
        key: fc.constant('placeholder'),
        delta: fc.integer({ min: 1, max: 9 }),
        retryIn: region,
      }),
    });
  }
  return fc.oneof(...ops);
}

const phaseArb = fc.constantFrom<RolloutPhase>(...ROLLOUT_PHASES);

function chaosArb(mix: FaultMix): fc.Arbitrary<ChaosEvent> {
  const faultKinds = mix.sdkRetries
    ? (['fail', 'commit-then-timeout', 'sdk-retry'] as const)
    : (['fail', 'commit-then-timeout'] as const);
  return fc.oneof(
    fc.record({ kind: fc.constant('partition' as const), a: region, b: region }),
    fc.record({ kind: fc.constant('heal' as const) }),
    fc.record({ kind: fc.constant('pause' as const), region }),
    fc.record({ kind: fc.constant('resume' as const) }),
    fc.record({ kind: fc.constant('isolate' as const), region }),
    fc.record({ kind: fc.constant('reconnect' as const) }),
    fc.record({
      kind: fc.constant('clock' as const),
      region,
      offsetMs: fc.integer({ min: -300_000, max: 300_000 }),
    }),
    fc
      .record({
        phase: phaseArb.filter((phase) => phase !== 'active-passive'),
        ledger: phaseArb,
        order: fc.shuffledSubarray([...REGIONS], { minLength: 3, maxLength: 3 }),
      })
      .map(({ phase, ledger, order }): ChaosEvent => ({
        kind: 'rollout',
        policy: {
          phase,
          domains: {
            ledger:
              ROLLOUT_PHASES.indexOf(ledger) <= ROLLOUT_PHASES.indexOf(phase) ? ledger : phase,
          },
        },
        order,
      })),
    fc.record({ kind: fc.constant('takeover' as const), tenant, to: region }),
    fc.record({
      kind: fc.constant('fault' as const),
      fault: fc.record({
        kind: fc.constantFrom(...faultKinds),
        write: fc.constant(true),
        remote: fc.boolean(),
      }),
    }),
  );
}

/** A random plan; entry ids and idempotency keys are made unique per run. */
export function planArb(mix: FaultMix): fc.Arbitrary<Plan> {
  return fc
    .record({
      clients: fc.array(
        fc.array(fc.record({ region, op: opArb(mix) }), { minLength: 1, maxLength: 7 }),
        { minLength: 2, maxLength: 4 },
      ),
      chaos: fc.array(chaosArb(mix), { maxLength: 4 }),
      ticks: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 2, maxLength: 12 }),
    })
    .map((plan) => ({
      ...plan,
      clients: plan.clients.map((requests, client) =>
        requests.map(({ region: target, op }, index) => ({
          region: target,
          op: uniqueIds(op, `${client + 1}-${index + 1}`),
        })),
      ),
    }));
}

function uniqueIds(op: ClientOp, id: string): ClientOp {
  switch (op.kind) {
    case 'ledger.entry':
      return { ...op, entryId: `e${id}` };
    case 'counter.add-keyed':
      return { ...op, key: `k${id}` };
    case 'read': {
      const ids = { counter: 'c1', set: 's1', profile: 'p1', account: 'a1' } as const;
      return { ...op, id: ids[op.type] };
    }
    default:
      return op;
  }
}

/** The write policy every run starts from. */
export const initialPolicyArb = fc
  .record({ phase: phaseArb.filter((phase) => phase !== 'active-passive'), ledger: phaseArb })
  .map(({ phase, ledger }) => ({
    primaryRegion: REGIONS[0] as string,
    // pinned: changing the primary moves no never-assigned tenant
    defaultHome: REGIONS[0] as string,
    phase,
    domains: {
      ledger: ROLLOUT_PHASES.indexOf(ledger) <= ROLLOUT_PHASES.indexOf(phase) ? ledger : phase,
    },
  }));
