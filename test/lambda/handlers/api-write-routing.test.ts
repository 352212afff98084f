import { memoryApi } from '../../helpers/api-harness';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];

describe('write routing by phase and ownership', () => {
  test('active-passive: a secondary forwards writes to the primary', async () => {
    const api = memoryApi(REGIONS, { phase: 'active-passive' });
    const write = await api.call(EU, 'POST', '/v1/tenants/t1/counters/c', { body: { delta: 1 } });
    expect(write.status).toBe(200);
    expect(write.body.forwarded).toBe(true);
    expect(write.headers['x-served-region']).toBe(US);
    // the write landed in the primary's slot, in the primary's replica
    expect(api.world.snapshot(US)).toContain(`"sk":"S#${US}"`);
    expect(api.world.snapshot(EU)).not.toContain('T#t1#pn-counter#c');
    expect(api.recorded.metrics).toContainEqual({ name: 'ForwardedWrites', value: 1 });
  });

  test('a caller that prefers refusal gets 421 with the owner region and its URL', async () => {
    const api = memoryApi(REGIONS, { phase: 'read-local' });
    const write = await api.call(AP, 'POST', '/v1/tenants/t1/counters/c', {
      body: { delta: 1 },
      headers: { 'X-When-Not-Owner': 'reject' },
    });
    expect(write.status).toBe(421);
    expect(write.body.error).toMatchObject({
      code: 'wrong_region',
      homeRegion: US,
      url: 'https://us-east-1.api.example.com/v1/tenants/t1/counters/c',
    });
    expect(api.world.snapshot(AP)).toBe('[]');
    expect(api.world.snapshot(US)).toBe('[]');
  });

  test('limited-write: listed classes are local, others forwarded to the home', async () => {
    const api = memoryApi(REGIONS, {
      phase: 'limited-write',
      limitedWriteClasses: ['counter.increment'],
    });
    const counter = await api.call(EU, 'POST', '/v1/tenants/t1/counters/c', { body: { delta: 1 } });
    const set = await api.call(EU, 'POST', '/v1/tenants/t1/sets/s', { body: { add: 'x' } });
    expect(counter.body.forwarded).toBe(false);
    expect(set.body.forwarded).toBe(true);
    expect(set.headers['x-served-region']).toBe(US);
  });

  test('active-active: owner-only ledger entries are forwarded to the tenant home', async () => {
    const api = memoryApi(REGIONS);
    const home = await api.call(US, 'PUT', '/v1/tenants/t2/home', { body: { home: EU } });
    expect(home.status).toBe(200);
    expect(home.body).toMatchObject({ home: EU, epoch: 1 });
    api.world.deliverAll();
    const entry = await api.call(AP, 'POST', '/v1/tenants/t2/accounts/a1/entries', {
      body: { entryId: 'e1', amount: 500, currency: 'EUR' },
    });
    expect(entry.status).toBe(201);
    expect(entry.body).toMatchObject({ balance: 500, forwarded: true });
    expect(entry.headers).toMatchObject({ 'x-served-region': EU, 'x-home-region': EU });
  });

  test('fencing: a region with a stale view of ownership cannot write at the old owner', async () => {
    // GIVEN tenant t3 homed in us-east-1, then moved to eu-west-1; ap-southeast-2 has not heard
    const api = memoryApi(REGIONS);
    await api.call(US, 'POST', '/v1/tenants/t3/accounts/a/entries', {
      body: { entryId: 'e0', amount: 1, currency: 'USD' },
    });
    api.world.deliverAll();
    const moved = await api.call(US, 'PUT', '/v1/tenants/t3/home', { body: { home: EU } });
    expect(moved.body).toMatchObject({ home: EU, epoch: 1 });
    // WHEN ap-southeast-2 (still believing us-east-1 is home, epoch 0) forwards a ledger write there
    const before = api.world.snapshot(US);
    const stale = await api.call(AP, 'POST', '/v1/tenants/t3/accounts/a/entries', {
      body: { entryId: 'e1', amount: 7, currency: 'USD' },
    });
    // THEN the epoch condition refuses it and names the new home; nothing was written
    expect(stale.status).toBe(421);
    expect(stale.body.error).toMatchObject({ code: 'wrong_region', homeRegion: EU });
    expect(String((stale.body.error as { message: string }).message)).toContain(
      'newer owner epoch 1',
    );
    expect(api.world.snapshot(US)).toBe(before);
  });

  test('a transfer must run at the current home and bumps the epoch each time', async () => {
    const api = memoryApi(REGIONS);
    const first = await api.call(AP, 'PUT', '/v1/tenants/t4/home', { body: { home: AP } });
    expect(first.body).toMatchObject({ home: AP, epoch: 1, forwarded: true });
    api.world.deliverAll();
    const second = await api.call(US, 'PUT', '/v1/tenants/t4/home', { body: { home: EU } });
    expect(second.body).toMatchObject({ home: EU, epoch: 2, forwarded: true });
    expect(second.headers['x-served-region']).toBe(AP);
    api.world.deliverAll();
    const read = await api.call(EU, 'GET', '/v1/tenants/t4/home');
    expect(read.body).toMatchObject({ home: EU, epoch: 2, explicit: true });
    const same = await api.call(EU, 'PUT', '/v1/tenants/t4/home', { body: { home: EU } });
    expect(same.status).toBe(422);
    const unknown = await api.call(EU, 'PUT', '/v1/tenants/t4/home', {
      body: { home: 'sa-east-1' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_region' });
  });
});
