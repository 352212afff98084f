/**
 * The typed client of the README: its types are what `openapi-typescript` generates from
 * docs/openapi.json today (else regenerate them), it compiles with them (`npm run typecheck`), and
 * it works against the API: retries with the same Idempotency-Key apply once, and its session token
 * makes its reads read-your-writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { HttpEvent, HttpResult } from '../../lambda/handlers/http';
import { memoryApi } from '../helpers/api-harness';
import { ApiClient, ApiFailure } from './typed-client';

const ROOT = path.join(__dirname, '..', '..');
const TYPES = path.join(__dirname, 'api-types.generated.ts');

/** `fetch` over an in-process handler, as API Gateway would call it. */
function fetchOver(
  handler: (event: HttpEvent) => Promise<HttpResult>,
  faults: { dropNextAnswer?: boolean } = {},
): typeof fetch {
  let requests = 0;
  return async (input, init) => {
    const url = new URL(String(input));
    requests += 1;
    const result = await handler({
      rawPath: url.pathname,
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : undefined,
      isBase64Encoded: false,
      requestContext: { http: { method: init?.method ?? 'GET' }, requestId: `client-${requests}` },
    });
    if (faults.dropNextAnswer) {
      // the request ran, but its answer is lost on the way back
      faults.dropNextAnswer = false;
      throw new TypeError('fetch failed');
    }
    return new Response(result.body === '' ? null : result.body, {
      status: result.statusCode,
      headers: result.headers,
    });
  };
}

describe('the typed client', () => {
  test('api-types.generated.ts is what openapi-typescript generates from docs/openapi.json', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aa-client-'));
    try {
      const out = path.join(dir, 'api-types.ts');
      const cli = path.join(
        path.dirname(require.resolve('openapi-typescript/package.json', { paths: [ROOT] })),
        'bin',
        'cli.js',
      );
      execFileSync(process.execPath, [cli, path.join(ROOT, 'docs', 'openapi.json'), '-o', out], {
        stdio: 'ignore',
      });
      if (readFileSync(out, 'utf8') !== readFileSync(TYPES, 'utf8')) {
        throw new Error(
          'test/client/api-types.generated.ts is out of date: npx openapi-typescript docs/openapi.json -o test/client/api-types.generated.ts',
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a write whose answer was lost is retried with its key and applies once', async () => {
    const api = memoryApi(['us-east-1', 'eu-west-1']);
    const faults = { dropNextAnswer: true };
    const client = new ApiClient({
      baseUrl: 'https://eu-west-1.api.example.com',
      token: 'test',
      fetch: fetchOver(api.handler('eu-west-1'), faults),
      sleep: async () => undefined,
    });
    const written = await client.incrementCounter('t1', 'visits', { delta: 5 }, 'order-17');
    expect(written).toMatchObject({ value: 5, forwarded: false });
    expect(faults.dropNextAnswer).toBe(false);
    // the same key again (a caller's own retry): the stored answer, not a second increment
    await client.incrementCounter('t1', 'visits', { delta: 5 }, 'order-17');
    expect(await client.readCounter('t1', 'visits')).toMatchObject({ value: 5 });
  });

  test('its session token makes a read in another region read-your-writes', async () => {
    const api = memoryApi(['us-east-1', 'eu-west-1']);
    const home = new ApiClient({
      baseUrl: 'https://us-east-1.api.example.com',
      token: 'test',
      fetch: fetchOver(api.handler('us-east-1')),
    });
    await home.appendLedgerEntry('t1', 'acct', { entryId: 'e1', amount: 250, currency: 'EUR' });
    // nothing has replicated: read-your-writes fetches the write from the region that made it
    const elsewhere = new ApiClient({
      baseUrl: 'https://eu-west-1.api.example.com',
      token: 'test',
      fetch: fetchOver(api.handler('eu-west-1')),
      attempts: 1,
    });
    elsewhere.sessionToken = home.sessionToken;
    const read = await elsewhere.readAccount('t1', 'acct', 'read-your-writes');
    expect(read).toMatchObject({ balance: 250, conflicted: false });
    await expect(elsewhere.readAccount('t1', 'nope')).rejects.toThrow(ApiFailure);
  });
});
