import { memoryApi } from '../../helpers/api-harness';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];

describe('idempotency keys', () => {
  test('a retried write with the same key has one effect and replays the answer', async () => {
    const api = memoryApi(REGIONS);
    const send = () =>
      api.call(US, 'POST', '/v1/tenants/t1/counters/idem', {
        body: { delta: 3 },
        headers: { 'idempotency-key': 'k-1' },
      });
    const first = await send();
    const second = await send();
    expect(second.status).toBe(200);
    expect(second.headers['idempotency-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    const read = await api.call(US, 'GET', '/v1/tenants/t1/counters/idem');
    expect(read.body.value).toBe(3);
  });

  test('concurrent retries: exactly one effect, the others wait or replay', async () => {
    const api = memoryApi(REGIONS);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.call(US, 'POST', '/v1/tenants/t1/counters/burst', {
          body: { delta: 1 },
          headers: { 'idempotency-key': 'same' },
        }),
      ),
    );
    expect(results.every((result) => result.status === 200 || result.status === 409)).toBe(true);
    const read = await api.call(US, 'GET', '/v1/tenants/t1/counters/burst');
    expect(read.body.value).toBe(1);
  });

  test('the same key for a different request is refused', async () => {
    const api = memoryApi(REGIONS);
    await api.call(US, 'POST', '/v1/tenants/t1/counters/x', {
      body: { delta: 1 },
      headers: { 'idempotency-key': 'k' },
    });
    const other = await api.call(US, 'POST', '/v1/tenants/t1/counters/x', {
      body: { delta: 2 },
      headers: { 'idempotency-key': 'k' },
    });
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused' });
  });
});
