import { memoryApi } from '../../helpers/api-harness';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];

describe('read consistency', () => {
  test('read-your-writes: a lagging replica reads the missing slot from the region that wrote it', async () => {
    const api = memoryApi(REGIONS);
    const write = await api.call(US, 'PUT', '/v1/tenants/t1/profiles/me', {
      body: { fields: { name: 'Grace' } },
    });
    const token = write.body.sessionToken as string;
    // eu-west-1 has not received the write yet
    const local = await api.call(EU, 'GET', '/v1/tenants/t1/profiles/me');
    expect(local.status).toBe(404);
    const ryw = await api.call(EU, 'GET', '/v1/tenants/t1/profiles/me', {
      headers: { consistency: 'read-your-writes', 'x-session-token': token },
    });
    expect(ryw.status).toBe(200);
    expect(ryw.body.fields).toEqual({ name: 'Grace' });
    // served here, with us-east-1's slot read from us-east-1; no freshness is claimed beyond that
    expect(ryw.headers).toMatchObject({
      'x-served-region': `${EU},${US}`,
      'x-consistency': 'read-your-writes',
      'x-staleness-ms': 'unknown',
    });
    // once replicated, the same token is served locally alone
    api.world.deliverAll();
    const after = await api.call(EU, 'GET', '/v1/tenants/t1/profiles/me', {
      headers: { consistency: 'read-your-writes', 'x-session-token': token },
    });
    expect(after.headers['x-served-region']).toBe(EU);
  });

  test('read-your-writes whose writing region does not answer is a 503, not a miss', async () => {
    const api = memoryApi(REGIONS);
    const write = await api.call(AP, 'POST', '/v1/tenants/t1/counters/c', { body: { delta: 7 } });
    api.world.unreachable.add(AP);
    const read = await api.call(EU, 'GET', '/v1/tenants/t1/counters/c', {
      headers: {
        consistency: 'read-your-writes',
        'x-session-token': write.body.sessionToken as string,
      },
    });
    expect(read.status).toBe(503);
    expect(read.body.error).toMatchObject({ code: 'session_unavailable' });
  });

  test('strong reads of globally writable types read every replica', async () => {
    const api = memoryApi(REGIONS);
    await api.call(US, 'POST', '/v1/tenants/t1/counters/c', { body: { delta: 4 } });
    await api.call(EU, 'POST', '/v1/tenants/t1/counters/c', { body: { delta: 3 } });
    const strong = await api.call(AP, 'GET', '/v1/tenants/t1/counters/c', {
      headers: { consistency: 'strong' },
    });
    expect(strong.body.value).toBe(7);
    expect(strong.headers).toMatchObject({
      'x-served-region': REGIONS.join(','),
      'x-consistency': 'strong',
      'x-staleness-ms': '0',
    });
  });

  test('strong reads of money come from the home replica', async () => {
    const api = memoryApi(REGIONS);
    await api.call(AP, 'POST', '/v1/tenants/t1/accounts/a/entries', {
      body: { entryId: 'e1', amount: 5, currency: 'EUR' },
    });
    const strong = await api.call(EU, 'GET', '/v1/tenants/t1/accounts/a', {
      headers: { consistency: 'strong' },
    });
    expect(strong.body.balance).toBe(5);
    expect(strong.headers).toMatchObject({ 'x-served-region': US, 'x-staleness-ms': '0' });
  });

  test('quorum is not offered: 422 naming the level to use', async () => {
    const api = memoryApi(REGIONS);
    const read = await api.call(AP, 'GET', '/v1/tenants/t1/counters/q', {
      headers: { consistency: 'quorum' },
    });
    expect(read.status).toBe(422);
    expect(read.body.error).toMatchObject({ code: 'consistency_unavailable' });
    expect((read.body.error as { message: string }).message).toContain('consistency strong');
  });

  test('a strong read with an unreachable replica is a 503, not a stale answer', async () => {
    const api = memoryApi(REGIONS);
    api.world.unreachable.add(US);
    const read = await api.call(EU, 'GET', '/v1/tenants/t1/counters/c', {
      headers: { consistency: 'strong' },
    });
    expect(read.status).toBe(503);
    expect(read.body.error).toMatchObject({ code: 'region_unavailable' });
  });
});
