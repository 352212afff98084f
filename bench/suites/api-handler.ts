/**
 * The regional API's own cost per request, measured against a hello-world handler in the same run:
 * p50 and p99 over many sequential requests per route, in process, with the in-memory replicas (no
 * network). Bundle sizes and cold imports are in ./bundle-import.ts.
 */
import { httpEvent, memoryApi } from '../../test/helpers/api-harness';
import { fixed, latencyPercentiles, type BenchCheck, type BenchSuite } from '../harness';

const REQUESTS_PER_ROUTE = 3_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

export const suite: BenchSuite = {
  name: 'api-handler',
  title: 'Regional API handler: overhead per request',
  description:
    'Per-request overhead of the API handler in process over the in-memory replicas (validation, routing, the write decision, slot merge and session token; no network), as p50/p99 against a hello-world handler measured in the same run.',
  async run(context) {
    // the API's own cost: without the tests' OpenAPI conformance check
    const api = memoryApi(REGIONS, { conformance: false });
    const handler = api.handler('eu-west-1');
    const hello = async () => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ok: true }),
    });
    const routes: Array<[string, (index: number) => Promise<unknown>]> = [
      ['hello-world handler (baseline)', () => hello()],
      ['GET /health', () => handler(httpEvent('GET', '/health'))],
      ['GET counter (local)', () => handler(httpEvent('GET', '/v1/tenants/t/counters/c'))],
      [
        'POST counter (local write)',
        () => handler(httpEvent('POST', '/v1/tenants/t/counters/c', { body: { delta: 1 } })),
      ],
      [
        'PATCH profile (domain merge)',
        (index) =>
          handler(
            httpEvent('PATCH', '/v1/tenants/t/profiles/p', { body: { fields: { n: index } } }),
          ),
      ],
      [
        'POST ledger entry (forwarded, fenced)',
        (index) =>
          handler(
            httpEvent('POST', '/v1/tenants/t/accounts/a/entries', {
              body: { entryId: `e${index}`, amount: 1, currency: 'EUR' },
            }),
          ),
      ],
      [
        'POST counter with Idempotency-Key',
        (index) =>
          handler(
            httpEvent('POST', '/v1/tenants/t/counters/k', {
              body: { delta: 1 },
              headers: { 'idempotency-key': `k${index}` },
            }),
          ),
      ],
      [
        'invalid body (422)',
        () => handler(httpEvent('POST', '/v1/tenants/t/counters/c', { body: { delta: 'x' } })),
      ],
    ];
    const overhead: Array<{ name: string; p50: number; p99: number }> = [];
    for (const [name, call] of routes) {
      context.log(`api-handler: ${name}`);
      overhead.push({ name, ...(await latencyPercentiles(REQUESTS_PER_ROUTE, call)) });
    }
    const base = overhead[0] as { p50: number; p99: number };

    const checks: BenchCheck[] = [
      {
        description: 'handler p99 for a local write under 5 ms in process',
        passed: (overhead[3]?.p99 ?? Infinity) < 5,
        detail: `${fixed(overhead[3]?.p99 ?? Number.NaN, 3)} ms`,
      },
    ];
    return {
      tables: [
        {
          title: `Handler overhead, ${REQUESTS_PER_ROUTE.toLocaleString('en-US')} sequential requests per route, in-memory replicas`,
          columns: ['request', 'p50 ms', 'p99 ms', 'p50 vs baseline', 'p99 vs baseline'],
          rows: overhead.map((row) => [
            row.name,
            fixed(row.p50, 4),
            fixed(row.p99, 4),
            fixed(row.p50 / base.p50, 1),
            fixed(row.p99 / base.p99, 1),
          ]),
        },
      ],
      checks,
      notes: [
        "Overhead excludes DynamoDB: the in-memory replicas answer at once, so these figures are the code's own cost per request (a real request adds one to three DynamoDB round trips, a few milliseconds each).",
      ],
    };
  },
};
