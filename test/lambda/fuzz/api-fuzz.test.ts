/**
 * Fuzzing the API edge: every string field of every route with each string of the Big List of
 * Naughty Strings, and at least 1,000 generated malformed requests per route. Whatever comes in,
 * the API answers with a status below 500, and a request it refuses writes nothing.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { encodeCaseRef } from '../../../lambda/handlers/routes';
import { memoryApi, type CallOptions } from '../../helpers/api-harness';

const NAUGHTY: string[] = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'blns', 'blns.json'), 'utf8'),
);
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const RUNS_PER_ROUTE = 1_000;
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);

/** A request template per route: method, path builder and a valid body. */
interface RouteCase {
  readonly name: string;
  readonly method: string;
  readonly path: (id: string) => string;
  readonly body?: (text: string) => unknown;
}

const CASE_REF = encodeCaseRef({
  tenantId: 't',
  type: 'ledger-account',
  objectId: 'a',
  caseId: `case-${'0'.repeat(20)}`,
});

const ROUTES: RouteCase[] = [
  { name: 'counter read', method: 'GET', path: (id) => `/v1/tenants/${id}/counters/${id}` },
  {
    name: 'counter write',
    method: 'POST',
    path: (id) => `/v1/tenants/${id}/counters/c`,
    body: () => ({ delta: 1 }),
  },
  { name: 'set read', method: 'GET', path: (id) => `/v1/tenants/t/sets/${id}` },
  {
    name: 'set add',
    method: 'POST',
    path: (id) => `/v1/tenants/t/sets/${id}`,
    body: (text) => ({ add: text }),
  },
  {
    name: 'set remove',
    method: 'POST',
    path: () => '/v1/tenants/t/sets/s',
    body: (text) => ({ remove: text }),
  },
  { name: 'profile read', method: 'GET', path: (id) => `/v1/tenants/t/profiles/${id}` },
  {
    name: 'profile put',
    method: 'PUT',
    path: (id) => `/v1/tenants/t/profiles/${id}`,
    body: (text) => ({ fields: { name: text } }),
  },
  {
    name: 'profile patch field name',
    method: 'PATCH',
    path: () => '/v1/tenants/t/profiles/p',
    body: (text) => ({ fields: { [text]: 'x' } }),
  },
  {
    name: 'profile patch value',
    method: 'PATCH',
    path: () => '/v1/tenants/t/profiles/p',
    body: (text) => ({ fields: { nick: text } }),
  },
  { name: 'cart read', method: 'GET', path: (id) => `/v1/tenants/t/carts/${id}` },
  {
    name: 'cart write',
    method: 'POST',
    path: (id) => `/v1/tenants/t/carts/${id}`,
    body: (text) => ({ changes: [{ sku: text, delta: 1 }] }),
  },
  { name: 'account read', method: 'GET', path: (id) => `/v1/tenants/t/accounts/${id}` },
  {
    name: 'ledger entry id',
    method: 'POST',
    path: (id) => `/v1/tenants/t/accounts/${id}/entries`,
    body: (text) => ({ entryId: text, amount: 1, currency: 'EUR' }),
  },
  {
    name: 'ledger currency',
    method: 'POST',
    path: () => '/v1/tenants/t/accounts/a/entries',
    body: (text) => ({ entryId: 'e', amount: 1, currency: text }),
  },
  { name: 'reconciliation list', method: 'GET', path: () => '/v1/reconciliation' },
  {
    name: 'reconciliation resolve',
    method: 'POST',
    path: (id) => `/v1/reconciliation/${id}/resolve`,
    body: (text) => ({ choose: { region: text, dot: 1 } }),
  },
  { name: 'home read', method: 'GET', path: (id) => `/v1/tenants/${id}/home` },
  {
    name: 'home write',
    method: 'PUT',
    path: (id) => `/v1/tenants/${id}/home`,
    body: (text) => ({ home: text }),
  },
];

function encodeSegment(text: string): string {
  return encodeURIComponent(text);
}

describe('fuzzing the API edge', () => {
  beforeAll(() => {
    // Buffered by jest and shown with the file's failures only (test/setup/quiet-reporter.cjs).
    console.log(`api fuzz seed ${SEED} (rerun with FC_SEED=${SEED})`);
  });

  test('the vendored list holds at least 515 naughty strings', () => {
    expect(new Set(NAUGHTY).size).toBeGreaterThanOrEqual(515);
  });

  test.each(ROUTES.map((route) => [route.name, route]))(
    'naughty strings in every field of %s: no 5xx, refusals write nothing',
    async (_name, route) => {
      const api = memoryApi(REGIONS);
      const failures: string[] = [];
      for (const [position, text] of NAUGHTY.entries()) {
        const attempts: CallOptions[] = [
          // the string as a path id (tenant / object / case ref)
          { ...(route.body ? { body: route.body('ok') } : {}) },
          // the string in the body's string field
          ...(route.body ? [{ body: route.body(text) }] : []),
          // the string in every header the API reads, and as a query value
          {
            ...(route.body ? { body: route.body('ok') } : {}),
            headers: {
              consistency: text,
              'x-session-token': text,
              'idempotency-key': text,
              'x-when-not-owner': text,
            },
          },
          {
            ...(route.body ? { body: route.body('ok') } : {}),
            query: { cursor: text, limit: text },
          },
        ];
        for (const [index, options] of attempts.entries()) {
          // A fresh object per string: the strings under test stay the same, but one object
          // holding every string would make each request re-read and re-merge all of them.
          const id = index === 0 ? encodeSegment(text) : `ok${position}`;
          const before = api.world.mutations;
          const response = await api.call('eu-west-1', route.method, route.path(id), options);
          if (response.status >= 500)
            failures.push(
              `${response.status} for ${JSON.stringify(text)} (attempt ${index}): ${JSON.stringify(response.body)}`,
            );
          if (response.status >= 300 && api.world.mutations !== before) {
            failures.push(
              `refused with ${response.status} but wrote for ${JSON.stringify(text)} (attempt ${index})`,
            );
          }
          if (!(response.body instanceof Object)) {
            failures.push(`no JSON object answered for ${JSON.stringify(text)} (attempt ${index})`);
          }
        }
      }
      expect(failures).toEqual([]);
      expect(api.recorded.errors).toEqual([]);
    },
  );

  /** Malformed requests: random bodies, broken JSON, wrong types, odd headers and media types. */
  const malformedRequest = fc.record({
    body: fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc
        .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }))
        .map((value) => JSON.stringify(value)),
      fc
        .record(
          {
            delta: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)),
            add: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()),
            fields: fc.oneof(fc.jsonValue({ maxDepth: 12 }), fc.constant({})),
            changes: fc.array(
              fc.record(
                { sku: fc.string(), delta: fc.double(), quantity: fc.integer() },
                { requiredKeys: [] },
              ),
              { maxLength: 120 },
            ),
            entryId: fc.string(),
            amount: fc.oneof(fc.double(), fc.bigInt().map(String)),
            currency: fc.string({ maxLength: 5 }),
            home: fc.string(),
            choose: fc.jsonValue(),
            balance: fc.double(),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
      fc.constantFrom(
        '{"delta":1e400}',
        '{"delta":-0}',
        '{"a":'.repeat(50),
        '',
        'null',
        '[]',
        '"x"',
        '{"__proto__":{"x":1}}',
        `{"fields":${'['.repeat(40)}${']'.repeat(40)}}`,
      ),
      fc.constant(JSON.stringify({ pad: 'x'.repeat(70_000) })),
    ),
    // mostly well-labelled JSON, so most requests reach the body and field validation
    contentType: fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 8 },
      { arbitrary: fc.constant(undefined), weight: 1 },
      { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
    ),
    base64: fc.oneof(
      { arbitrary: fc.constant(false), weight: 9 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
    consistency: fc.option(
      fc.oneof(
        fc.constantFrom('local', 'strong', 'quorum', 'read-your-writes'),
        fc.string({ maxLength: 20 }),
      ),
      { nil: undefined },
    ),
    query: fc.option(
      fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
      { nil: undefined },
    ),
    id: fc.oneof(
      { arbitrary: fc.constant('ok'), weight: 3 },
      { arbitrary: fc.string({ maxLength: 140 }).map(encodeSegment), weight: 1 },
    ),
  });

  test.each(ROUTES.map((route) => [route.name, route]))(
    `${RUNS_PER_ROUTE} generated malformed requests to %s: no 5xx, refusals write nothing`,
    async (_name, route) => {
      const api = memoryApi(REGIONS);
      await fc.assert(
        fc.asyncProperty(malformedRequest, async (request) => {
          const headers: Record<string, string> = {};
          if (request.contentType !== undefined) headers['content-type'] = request.contentType;
          if (request.consistency !== undefined) headers.consistency = request.consistency;
          const before = api.world.mutations;
          const event = {
            rawBody: request.base64 ? Buffer.from(request.body).toString('base64') : request.body,
            headers,
            ...(request.query ? { query: request.query } : {}),
          };
          const response = await api.handler('us-east-1')({
            rawPath: route.path(
              route.name === 'reconciliation resolve' && request.id === 'ok'
                ? CASE_REF
                : request.id,
            ),
            headers: event.headers,
            body: event.rawBody,
            isBase64Encoded: request.base64,
            ...(event.query ? { queryStringParameters: event.query } : {}),
            requestContext: { http: { method: route.method }, requestId: 'fuzz' },
          });
          // Plain checks, not expect(): tens of thousands of expect() calls cost seconds.
          if (response.statusCode >= 500) {
            throw new Error(`answered ${response.statusCode}: ${response.body}`);
          }
          JSON.parse(response.body); // throws on a body that is not JSON
          if (response.statusCode >= 300 && api.world.mutations !== before) {
            throw new Error(`refused with ${response.statusCode} but wrote`);
          }
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED },
      );
      expect(api.recorded.errors).toEqual([]);
    },
  );
});
