/**
 * The regional API's own cost, measured against a hello-world baseline in the same run:
 * - handler overhead per request, in process, with the in-memory replicas (no network): p50 and
 *   p99 over many requests per route, against a handler that only answers a JSON body;
 * - bundle size of each Lambda entry, built with the app's esbuild options, against a
 *   hello-world bundle built the same way;
 * - import (cold-start module load) time of each bundle in a fresh Node.js process, against the
 *   hello-world bundle.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { esbuildOptionsOf } from '../../lib/constructs/lambda-bundling';
import { memoryApi, httpEvent } from '../../test/helpers/api-harness';
import { fixed, type BenchCheck, type BenchSuite } from '../harness';

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, 'bench', '.out');
const REQUESTS_PER_ROUTE = 3_000;
const IMPORT_RUNS = 15;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

/** Latency percentiles of `count` sequential calls. */
async function percentiles(count: number, call: (index: number) => Promise<unknown>) {
  for (let index = 0; index < 200; index += 1) await call(index);
  const durations: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    await call(index);
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  const at = (share: number) =>
    durations[Math.min(durations.length - 1, Math.floor(share * durations.length))] as number;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Builds one entry with the app's own bundling options (lib/constructs/lambda-bundling.ts). */
function bundle(entry: string, name: string): string {
  const outfile = join(OUT, `${name}.mjs`);
  buildSync({
    ...esbuildOptionsOf(),
    entryPoints: [entry],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Median time to import a bundle in a fresh process (module load and top-level code). */
function importTimeMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const times: number[] = [];
  for (let run = 0; run < IMPORT_RUNS; run += 1) {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_REGION: 'eu-west-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    times.push(Number(output));
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] as number;
}

export const suite: BenchSuite = {
  name: 'api-handler',
  title: 'Regional API handler: overhead, bundle size, import time',
  description:
    "Per-request overhead of the API handler in process over the in-memory replicas (validation, routing, the write decision, slot merge and session token; no network), as p50/p99 against a hello-world handler measured in the same run; the size of each Lambda bundle built with the app's esbuild options, and its import time in a fresh Node.js process, against a hello-world bundle built and imported the same way.",
  async run(context) {
    // ---------------------------------------------------------------- overhead
    const api = memoryApi(REGIONS);
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
      overhead.push({ name, ...(await percentiles(REQUESTS_PER_ROUTE, call)) });
    }
    const base = overhead[0] as { p50: number; p99: number };

    // ---------------------------------------------------------------- bundles
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const helloEntry = join(OUT, 'hello.ts');
    writeFileSync(
      helloEntry,
      'export const handler = async () => ({ statusCode: 200, body: \'{"ok":true}\' });\n',
    );
    const entries: Array<[string, string]> = [
      ['hello-world (baseline)', helloEntry],
      ['api (lambda/handlers/api.ts)', join(ROOT, 'lambda', 'handlers', 'api.ts')],
      ['conflict feed (lambda/handlers/stream.ts)', join(ROOT, 'lambda', 'handlers', 'stream.ts')],
      [
        'heartbeat (lambda/handlers/heartbeat.ts)',
        join(ROOT, 'lambda', 'handlers', 'heartbeat.ts'),
      ],
    ];
    const bundles = entries.map(([name, entry], index) => {
      context.log(`api-handler: bundling ${name}`);
      const file = bundle(entry, `bundle-${index}`);
      return { name, bytes: statSync(file).size, importMs: importTimeMs(file) };
    });
    const helloBundle = bundles[0] as { bytes: number; importMs: number };
    const apiBundle = bundles[1] as { bytes: number; importMs: number };
    rmSync(OUT, { recursive: true, force: true });

    const checks: BenchCheck[] = [
      {
        description: 'API bundle under 400 KB (the AWS SDK comes from the runtime)',
        passed: apiBundle.bytes < 400 * 1024,
        detail: `${(apiBundle.bytes / 1024).toFixed(0)} KB`,
      },
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
        {
          title: `Bundles (esbuild, minified ESM, AWS SDK external) and import time (median of ${IMPORT_RUNS} fresh processes)`,
          columns: ['bundle', 'KB', 'size vs baseline', 'import ms', 'import vs baseline'],
          rows: bundles.map((row) => [
            row.name,
            fixed(row.bytes / 1024, 1),
            fixed(row.bytes / helloBundle.bytes, 0),
            fixed(row.importMs, 1),
            fixed(row.importMs / helloBundle.importMs, 1),
          ]),
        },
      ],
      checks,
      notes: [
        "Overhead excludes DynamoDB: the in-memory replicas answer at once, so these figures are the code's own cost per request (a real request adds one to three DynamoDB round trips, a few milliseconds each).",
        'Import time includes loading the AWS SDK clients the bundle imports (they are external and provided by the Lambda runtime), which is what a cold start pays.',
      ],
    };
  },
};
