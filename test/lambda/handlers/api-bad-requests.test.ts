import { memoryApi } from '../../helpers/api-harness';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];

describe('bad requests: one clear error, nothing written', () => {
  const api = memoryApi(REGIONS);
  test.each([
    [
      'bad tenant id',
      'POST',
      '/v1/tenants/__sys/counters/c',
      { body: { delta: 1 } },
      400,
      'invalid_id',
    ],
    ['id too long', 'GET', `/v1/tenants/${'a'.repeat(129)}/counters/c`, {}, 400, 'invalid_id'],
    ['not JSON', 'POST', '/v1/tenants/t/counters/c', { rawBody: '{delta:' }, 400, 'invalid_json'],
    ['JSON array', 'POST', '/v1/tenants/t/counters/c', { rawBody: '[1]' }, 400, 'invalid_json'],
    [
      'wrong media type',
      'POST',
      '/v1/tenants/t/counters/c',
      { rawBody: '{"delta":1}', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
    [
      'too large',
      'POST',
      '/v1/tenants/t/counters/c',
      { rawBody: JSON.stringify({ delta: 1, pad: 'x'.repeat(70_000) }) },
      413,
      'body_too_large',
    ],
    [
      'unknown field',
      'POST',
      '/v1/tenants/t/counters/c',
      { body: { delta: 1, extra: true } },
      422,
      'unknown_field',
    ],
    ['zero delta', 'POST', '/v1/tenants/t/counters/c', { body: { delta: 0 } }, 422, 'invalid_body'],
    [
      'infinite number',
      'POST',
      '/v1/tenants/t/counters/c',
      { rawBody: '{"delta":1e400}' },
      422,
      'invalid_number',
    ],
    [
      'bad consistency',
      'GET',
      '/v1/tenants/t/counters/c',
      { headers: { consistency: 'eventual' } },
      400,
      'invalid_header',
    ],
    [
      'tampered session token',
      'GET',
      '/v1/tenants/t/counters/c',
      { headers: { 'x-session-token': 's1.test.e30.AAAA' } },
      400,
      'invalid_session_token',
    ],
    [
      'bad idempotency key',
      'POST',
      '/v1/tenants/t/counters/c',
      { body: { delta: 1 }, headers: { 'idempotency-key': 'a b' } },
      400,
      'invalid_header',
    ],
    ['unknown route', 'GET', '/v1/nope', {}, 404, 'not_found'],
    ['wrong method', 'DELETE', '/v1/tenants/t/counters/c', {}, 405, 'method_not_allowed'],
    [
      'unknown query',
      'GET',
      '/v1/tenants/t/counters/c',
      { query: { x: '1' } },
      400,
      'invalid_query',
    ],
    [
      'bad case ref',
      'POST',
      '/v1/reconciliation/abc/resolve',
      { body: { balance: 1 } },
      400,
      'invalid_id',
    ],
    [
      'bad cursor',
      'GET',
      '/v1/reconciliation',
      { query: { cursor: 'eyJ4IjoxfQ' } },
      400,
      'invalid_query',
    ],
    [
      'lone surrogate',
      'POST',
      '/v1/tenants/t/sets/s',
      { rawBody: '{"add":"\\ud800"}' },
      422,
      'invalid_string',
    ],
  ] as const)('%s', async (_name, method, path, options, status, code) => {
    const before = REGIONS.map((region) => api.world.snapshot(region));
    const response = await api.call(US, method, path, options);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(REGIONS.map((region) => api.world.snapshot(region))).toEqual(before);
  });
});
