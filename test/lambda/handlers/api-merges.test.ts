import { memoryApi } from '../../helpers/api-harness';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];

describe('counters and sets (CRDTs): every region writes its own slot', () => {
  test('increments in two regions both count after replication', async () => {
    // GIVEN active-active in three regions
    const api = memoryApi(REGIONS);
    // WHEN two regions increment the same counter concurrently
    const a = await api.call(US, 'POST', '/v1/tenants/t1/counters/visits', { body: { delta: 5 } });
    const b = await api.call(EU, 'POST', '/v1/tenants/t1/counters/visits', { body: { delta: -2 } });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.headers['x-served-region']).toBe(US);
    expect(b.headers['x-served-region']).toBe(EU);
    expect(b.body).toMatchObject({ value: -2, forwarded: false });
    expect(typeof b.body.version).toBe('string');
    expect(b.headers['x-session-token']).toBe(b.body.sessionToken);
    // THEN after replication every region reads the sum
    api.world.deliverAll();
    for (const region of REGIONS) {
      const read = await api.call(region, 'GET', '/v1/tenants/t1/counters/visits');
      expect(read.body.value).toBe(3);
      expect(read.headers).toMatchObject({ 'x-served-region': region, 'x-consistency': 'local' });
    }
  });

  test('or-set: a concurrent add survives a remove that did not see it (add wins)', async () => {
    const api = memoryApi(REGIONS);
    await api.call(US, 'POST', '/v1/tenants/t1/sets/tags', { body: { add: 'red' } });
    api.world.deliverAll();
    await api.call(EU, 'POST', '/v1/tenants/t1/sets/tags', { body: { remove: 'red' } });
    await api.call(AP, 'POST', '/v1/tenants/t1/sets/tags', { body: { add: 'red' } });
    await api.call(AP, 'POST', '/v1/tenants/t1/sets/tags', { body: { add: 'blue' } });
    api.world.deliverAll();
    const read = await api.call(US, 'GET', '/v1/tenants/t1/sets/tags');
    expect(read.body.elements).toEqual(['blue', 'red']);
  });
});

describe('profiles and carts (domain merges)', () => {
  test('concurrent patches of different fields both survive; the next write records the resolution', async () => {
    const api = memoryApi(REGIONS);
    await api.call(US, 'PUT', '/v1/tenants/t1/profiles/p1', {
      body: { fields: { name: 'Ada', city: 'London' } },
    });
    api.world.deliverAll();
    await api.call(US, 'PATCH', '/v1/tenants/t1/profiles/p1', {
      body: { fields: { city: 'Paris' } },
    });
    await api.call(EU, 'PATCH', '/v1/tenants/t1/profiles/p1', {
      body: { fields: { email: 'ada@example.com' } },
    });
    api.world.deliverAll();
    const read = await api.call(AP, 'GET', '/v1/tenants/t1/profiles/p1');
    expect(read.body.fields).toEqual({ city: 'Paris', email: 'ada@example.com', name: 'Ada' });
    expect(read.body.siblingsMerged).toBe(2);
    // a write on top resolves the two versions into one and says so for the conflict feed
    const write = await api.call(AP, 'PATCH', '/v1/tenants/t1/profiles/p1', {
      body: { fields: { name: 'Ada L.' } },
    });
    expect(write.status).toBe(200);
    const slot = JSON.parse(api.world.snapshot(AP)).find(
      (item: Record<string, unknown>) => item.pk === 'T#t1#profile#p1' && item.sk === `S#${AP}`,
    );
    expect(slot).toMatchObject({ resolvedSiblings: 2 });
    expect(typeof slot.conflictSinceMs).toBe('number');
  });

  test('cart lines are PN-counters: concurrent additions add up', async () => {
    const api = memoryApi(REGIONS);
    await api.call(US, 'POST', '/v1/tenants/t1/carts/c1', {
      body: { changes: [{ sku: 'book', delta: 2 }] },
    });
    api.world.deliverAll();
    await api.call(US, 'POST', '/v1/tenants/t1/carts/c1', {
      body: { changes: [{ sku: 'book', delta: 1 }] },
    });
    await api.call(EU, 'POST', '/v1/tenants/t1/carts/c1', {
      body: {
        changes: [
          { sku: 'book', delta: 3 },
          { sku: 'pen', quantity: 1 },
        ],
      },
    });
    api.world.deliverAll();
    const read = await api.call(AP, 'GET', '/v1/tenants/t1/carts/c1');
    expect(read.body.lines).toEqual({ book: 6, pen: 1 });
  });

  test('a profile that does not exist is a 404', async () => {
    const api = memoryApi(REGIONS);
    const read = await api.call(US, 'GET', '/v1/tenants/t1/profiles/nope');
    expect(read.status).toBe(404);
    expect(read.body).toEqual({
      error: { code: 'not_found', message: 'profile nope does not exist' },
    });
    // "no such object" is an answer at a consistency level: it says who served it, as a 200 does
    expect(read.headers).toMatchObject({
      'x-served-region': US,
      'x-home-region': US,
      'x-consistency': 'local',
    });
    const strong = await api.call(EU, 'GET', '/v1/tenants/t1/accounts/nope', {
      headers: { consistency: 'strong' },
    });
    expect(strong.status).toBe(404);
    expect(strong.headers).toMatchObject({
      'x-served-region': US,
      'x-consistency': 'strong',
      'x-staleness-ms': '0',
    });
  });
});
