/**
 * The named scenarios found in review, reproduced with the real handler and judged by the
 * checker's properties (d)-(g). Each one failed when it was written; a scenario still marked
 * `test.failing` names the issue that fixes it ([J]: one owner at a time; [K]: consistency,
 * idempotency and clocks), and that issue removes the marker. Fixed seeds; deliveries are
 * explicit, so each history is exactly as written.
 */
import { readThenWriteSettleMs } from '../../lambda/app/handoff';
import { finish } from './driver';
import type { History } from './history';
import { memoryStore } from './memory-store';
import {
  checkClocks,
  checkIdempotency,
  checkLedger,
  checkOneOwner,
  checkReads,
  type FinalState,
} from './properties';
import { Session } from './session';
import { CheckerWorld, type WorldOptions } from './world';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];
const SEED = 20261127;

function setup(policy: WorldOptions['policy'], mode: 'eventual' | 'strong' = 'eventual') {
  const store = memoryStore({ regions: REGIONS, seed: SEED, mode });
  const world = new CheckerWorld(store, {
    policy,
    // MRSC tables fence by read-then-write: a new home waits for in-flight writes to land
    ...(mode === 'strong' ? { handoffSettleMs: readThenWriteSettleMs(60_000) } : {}),
  });
  const history: History = { operations: [], faults: [], handoffs: [] };
  const session = (client: number) => new Session(world, history, client);
  return { store, world, history, session, table: store.table };
}

const entry = (tenant: string, entryId: string, amount: number) =>
  ({ kind: 'ledger.entry', tenant, account: 'a1', entryId, amount }) as const;
const transfer = (tenant: string, to: string) => ({ kind: 'home.transfer', tenant, to }) as const;
const read = (
  tenant: string,
  type: 'counter' | 'set' | 'profile' | 'account',
  id: string,
  consistency: 'local' | 'read-your-writes' | 'strong' | 'quorum',
) => ({ kind: 'read', tenant, type, id, consistency }) as const;
const onlyOwnership = {
  where: (mutation: { key: { pk: string } }) => mutation.key.pk.endsWith('#ownership'),
};

function conflicted(final: FinalState, path: string): boolean {
  const body = final.reads.get(path)?.get(US)?.body as { conflicted?: boolean } | undefined;
  return body?.conflicted === true;
}

describe('named scenarios', () => {
  test('[J] a rollout step deployed one region at a time: two regions accept ledger entries', async () => {
    // GIVEN the ledger domain in active-passive, the tenant homed in eu-west-1
    const { world, history, session, table } = setup({
      primaryRegion: US,
      phase: 'read-local',
      domains: { ledger: 'active-passive' },
    });
    await session(1).run(US, transfer('t', EU));
    table.settle();
    // WHEN the step to read-local reaches eu-west-1 first
    world.deployPolicy(EU, { domains: { ledger: 'read-local' } });
    const [atUs] = await session(2).run(US, entry('t', 'e1', 10));
    const [atEu] = await session(3).run(EU, entry('t', 'e2', 20));
    expect([atUs?.status, atEu?.status]).toEqual([201, 201]);
    const run = await finish(world, history);
    // THEN one of them must have been refused: one owner, and the account is not conflicted
    expect(checkOneOwner(run.history)).toEqual([]);
    expect(conflicted(run.final, '/v1/tenants/t/accounts/a1')).toBe(false);
  });

  test('[J] a transfer whose ownership item arrives before the last ledger slot: strong misses an acknowledged entry', async () => {
    const { world, history, session, table } = setup({
      primaryRegion: US,
      phase: 'active-active',
    });
    const client = session(1);
    await client.run(US, entry('t', 'e1', 100));
    table.settle();
    await client.run(US, entry('t', 'e2', 50));
    await client.run(US, transfer('t', EU));
    // the ownership item reaches eu-west-1 before the ledger slot
    table.deliver(onlyOwnership);
    const [strong] = await session(2).run(EU, read('t', 'account', 'a1', 'strong'));
    expect(strong?.responseHeaders['x-staleness-ms']).toBe('0');
    await session(2).run(EU, entry('t', 'e3', -30));
    const run = await finish(world, history);
    expect(checkReads(run.history)).toEqual([]);
    expect(conflicted(run.final, '/v1/tenants/t/accounts/a1')).toBe(false);
  });

  test('[J] MRSC read-then-write fencing: a transfer and a new-home entry between the fence read and the put', async () => {
    const { world, history, session } = setup(
      { primaryRegion: US, phase: 'active-active' },
      'strong',
    );
    await session(1).run(US, entry('t', 'e1', 100));
    // WHEN us-east-1's next entry has read the fence, a transfer and an eu-west-1 entry land
    let injected = false;
    world.interleaver = {
      turn: async (label) => {
        if (!injected && label === `${US}->${US} PutItem` && history.operations.length === 2) {
          injected = true;
          world.interleaver = undefined;
          await session(2).run(US, transfer('t', EU));
          await session(3).run(EU, entry('t', 'e3', -30));
        }
      },
    };
    await session(1).run(US, entry('t', 'e2', 50));
    const run = await finish(world, history);
    expect(checkOneOwner(run.history)).toEqual([]);
    expect(conflicted(run.final, '/v1/tenants/t/accounts/a1')).toBe(false);
  });

  test('[J] a third sibling after two quick transfers opens a second case that stays open', async () => {
    const { world, history, session, table } = setup({
      primaryRegion: US,
      phase: 'active-active',
    });
    await session(1).run(US, entry('t', 'e1', 100));
    table.settle();
    await session(1).run(US, entry('t', 'e2', 10));
    await session(1).run(US, transfer('t', EU));
    table.deliver(onlyOwnership);
    await session(2).run(EU, entry('t', 'e3', 20));
    await session(2).run(EU, transfer('t', AP));
    table.deliver(onlyOwnership);
    await session(3).run(AP, entry('t', 'e4', 30));
    // ap-southeast-2 (the home) sees two versions first, then the third
    table.deliver({ from: US });
    await world.runFeeds();
    table.settle();
    await world.runFeeds();
    // a person resolves the account's newest case
    const listing = await session(4).send(
      AP,
      { kind: 'case.resolve', tenant: 't', account: 'a1' },
      {
        method: 'GET',
        path: '/v1/reconciliation',
        headers: {},
      },
    );
    const cases = listing.response.cases as Array<{
      caseRef: string;
      versions: Array<{ region: string; dot: number }>;
    }>;
    const newest = [...cases].sort((a, b) => b.versions.length - a.versions.length)[0];
    const version = newest?.versions[0];
    await session(4).send(
      AP,
      { kind: 'case.resolve', tenant: 't', account: 'a1' },
      {
        method: 'POST',
        path: `/v1/reconciliation/${newest?.caseRef}/resolve`,
        body: { choose: { region: version?.region, dot: version?.dot } },
        headers: {},
      },
    );
    const run = await finish(world, history);
    expect(checkLedger(run.history, run.final)).toEqual([]);
  });

  test('[K] read-your-writes and strong with three regions: writes acknowledged in a third region are missing', async () => {
    const { world, history, session } = setup({ primaryRegion: US, phase: 'active-active' });
    const client = session(1);
    // home us-east-1; +7 acknowledged in ap-southeast-2
    await client.run(AP, { kind: 'counter.add', tenant: 't', counter: 'c1', delta: 7 });
    await client.run(EU, read('t', 'counter', 'c1', 'read-your-writes'));
    await client.run(US, read('t', 'counter', 'c1', 'read-your-writes'));
    // an acknowledged PATCH in ap-southeast-2, then a strong read elsewhere
    await session(2).run(AP, {
      kind: 'profile.patch',
      tenant: 't',
      profile: 'p1',
      field: 'name',
      value: 'ada',
    });
    await session(3).run(EU, read('t', 'profile', 'p1', 'strong'));
    const run = await finish(world, history);
    expect(checkReads(run.history)).toEqual([]);
  });

  test('[K] quorum after an acknowledged write in a third region returns the old value', async () => {
    const { world, history, session } = setup({ primaryRegion: US, phase: 'active-active' });
    await session(1).run(AP, { kind: 'counter.add', tenant: 't', counter: 'c1', delta: 1 });
    const [quorum] = await session(2).run(US, read('t', 'counter', 'c1', 'quorum'));
    // quorum is no longer offered: it could not include writes acknowledged by one replica
    expect(quorum?.status).toBe(422);
    const run = await finish(world, history);
    expect(checkReads(run.history)).toEqual([]);
  });

  test('[K] one Idempotency-Key, two effects: across regions, and after a forwarded write that timed out', async () => {
    const { world, history, session, table } = setup({
      primaryRegion: US,
      phase: 'read-local',
    });
    // the same key to us-east-1 and, after full replication, to eu-west-1 (writes forwarded home)
    const client = session(1);
    await client.send(
      US,
      { kind: 'counter.add-keyed', tenant: 't', key: 'k1', delta: 5, retryIn: EU },
      {
        method: 'POST',
        path: '/v1/tenants/t/counters/idem-k1',
        body: { delta: 5 },
        headers: { 'idempotency-key': 'k1' },
      },
    );
    table.settle();
    world.deployPolicy(EU, { phase: 'active-active' });
    world.deployPolicy(US, { phase: 'active-active' });
    await client.send(
      EU,
      { kind: 'counter.add-keyed', tenant: 't', key: 'k1', delta: 5, retryIn: EU },
      {
        method: 'POST',
        path: '/v1/tenants/t/counters/idem-k1',
        body: { delta: 5 },
        headers: { 'idempotency-key': 'k1' },
      },
      1,
    );
    // a forwarded write that commits, then times out: 503, and the retry applies again
    world.deployPolicy(EU, { phase: 'read-local' });
    world.deployPolicy(US, { phase: 'read-local' });
    world.inject({
      kind: 'commit-then-timeout',
      caller: EU,
      region: US,
      write: true,
    });
    await session(2).run(EU, {
      kind: 'counter.add-keyed',
      tenant: 't',
      key: 'k2',
      delta: 3,
      retryIn: EU,
    });
    const run = await finish(world, history);
    expect(checkIdempotency(run.history, run.final)).toEqual([]);
  });

  test('[K] a region whose clock runs 5 minutes fast blocks writes in healthy regions', async () => {
    const { world, history, session, table } = setup({
      primaryRegion: US,
      phase: 'active-active',
    });
    world.setClockOffset(AP, 5 * 60_000);
    // the region with the bad clock refuses its own writes (its clock is checked against AWS time)
    const [refused] = await session(1).run(AP, {
      kind: 'profile.patch',
      tenant: 't',
      profile: 'p1',
      field: 'name',
      value: 'ada',
    });
    expect(refused?.response.error).toMatchObject({ code: 'clock_skew' });
    // a write it made before its clock check noticed carries a stamp 5 minutes ahead ...
    world.unmonitoredClocks.add(AP);
    await session(1).run(AP, {
      kind: 'profile.patch',
      tenant: 't',
      profile: 'p1',
      field: 'name',
      value: 'ada',
    });
    world.unmonitoredClocks.delete(AP);
    // ... and healthy regions take the stamp and go on writing
    table.settle();
    await session(2).run(US, {
      kind: 'profile.patch',
      tenant: 't',
      profile: 'p1',
      field: 'city',
      value: 'linus',
    });
    await session(3).run(EU, {
      kind: 'profile.patch',
      tenant: 't',
      profile: 'p1',
      field: 'city',
      value: 'grace',
    });
    const run = await finish(world, history);
    expect(checkClocks(run.history, run.facts)).toEqual([]);
  });
});
