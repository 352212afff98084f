import { memoryApi } from '../../../helpers/api-harness';
import { conformanceProblems, type HttpExchange } from '../../../helpers/openapi-conformance';

const READ_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-served-region': 'eu-west-1',
  'x-home-region': 'us-east-1',
  'x-consistency': 'local',
  'x-staleness-ms': 'unknown',
};

const counterRead: HttpExchange = {
  method: 'GET',
  path: '/v1/tenants/t1/counters/c',
  status: 200,
  responseHeaders: READ_HEADERS,
  responseBody: JSON.stringify({ value: 3, version: null }),
};

describe('the conformance checker', () => {
  test('a documented exchange conforms', () => {
    expect(conformanceProblems(counterRead)).toEqual([]);
  });

  test.each<[string, Partial<HttpExchange>, RegExp]>([
    ['an undocumented status', { status: 418 }, /status 418 is not documented/],
    [
      'an undocumented header',
      { responseHeaders: { ...READ_HEADERS, 'x-debug': '1' } },
      /header x-debug is not documented/,
    ],
    [
      'a missing required header',
      { responseHeaders: { ...READ_HEADERS, 'x-served-region': undefined as unknown as string } },
      /required header X-Served-Region is missing/,
    ],
    [
      'an undocumented field',
      { responseBody: JSON.stringify({ value: 3, version: null, extra: true }) },
      /must NOT have additional properties/,
    ],
    [
      'an error code the status does not list',
      {
        status: 409,
        responseHeaders: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        responseBody: JSON.stringify({ error: { code: 'teapot', message: 'no' } }),
      },
      /status 409 is not documented|must be equal to one of the allowed values/,
    ],
    [
      'an accepted request the document forbids',
      { path: '/v1/tenants/__reserved/counters/c' },
      /accepted path parameter tenant/,
    ],
    [
      'an accepted undocumented query parameter',
      { query: { page: '2' } },
      /accepted undocumented query parameter page/,
    ],
    [
      'a 405 whose Allow header is not the documented methods',
      {
        method: 'DELETE',
        status: 405,
        responseHeaders: { allow: 'GET' },
        responseBody: JSON.stringify({ error: { code: 'method_not_allowed', message: 'no' } }),
      },
      /allow header GET is not the documented methods GET, POST/,
    ],
    ['an unknown path answered 200', { path: '/v2/x' }, /no documented operation/],
  ])('flags %s', (_name, change, problem) => {
    const problems = conformanceProblems({ ...counterRead, ...change });
    expect(problems.join('\n')).toMatch(problem);
  });

  test('a route of another function is an unknown path to the API function', () => {
    const health: HttpExchange = {
      method: 'GET',
      path: '/health',
      status: 404,
      responseHeaders: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      responseBody: JSON.stringify({ error: { code: 'not_found', message: 'no route' } }),
    };
    expect(conformanceProblems(health, { served: 'api' })).toEqual([]);
    expect(conformanceProblems(health).join()).toMatch(/status 404 is not documented/);
  });

  test('the harness checks every call: GET /openapi.json and its 304 conform', async () => {
    const api = memoryApi(['eu-west-1']);
    const first = await api.call('eu-west-1', 'GET', '/openapi.json');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ openapi: '3.1.0' });
    const again = await api.call('eu-west-1', 'GET', '/openapi.json', {
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect([again.status, again.raw.body]).toEqual([304, '']);
  });

  test('field values nest as deep as a body may: the schema and the depth check agree', async () => {
    const api = memoryApi(['eu-west-1']);
    const nested = (levels: number): unknown => (levels === 0 ? [] : [nested(levels - 1)]);
    // the body and `fields` are two levels; a value may hold six more, the last one empty
    const deepest = await api.call('eu-west-1', 'PUT', '/v1/tenants/t1/profiles/p', {
      body: { fields: { a: nested(6), b: { c: { d: { e: { f: { g: {} } } } } } } },
    });
    expect(deepest.status).toBe(200);
    const deeper = await api.call('eu-west-1', 'PUT', '/v1/tenants/t1/profiles/p', {
      body: { fields: { a: nested(7) } },
    });
    expect(deeper.status).toBe(422);
  });

  test('a key __proto__ is refused, never silently dropped', async () => {
    const api = memoryApi(['eu-west-1']);
    for (const fields of ['{"__proto__": 1, "name": "x"}', '{"a": {"__proto__": {}}}']) {
      const answer = await api.call('eu-west-1', 'PUT', '/v1/tenants/t1/profiles/p', {
        rawBody: `{"fields": ${fields}}`,
      });
      expect([answer.status, (answer.body.error as { code: string }).code]).toEqual([
        422,
        'invalid_body',
      ]);
    }
  });
});
