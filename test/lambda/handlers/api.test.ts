import { conflictedAccount as makeConflictedAccount, memoryApi } from '../../helpers/api-harness';

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
  });
});

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

describe('reconciliation of money', () => {
  /** Entries written at the old home before a transfer reach the new home after the transfer. */
  async function conflictedAccount() {
    const api = memoryApi(REGIONS);
    const e3 = await makeConflictedAccount(api, 'm', 'acc');
    expect(e3.status).toBe(201);
    return api;
  }

  test('concurrent versions are never merged: reads show both, writes are blocked and a case opens', async () => {
    const api = await conflictedAccount();
    const read = await api.call(EU, 'GET', '/v1/tenants/m/accounts/acc');
    expect(read.body).toMatchObject({ balance: null, conflicted: true });
    expect((read.body.versions as Array<{ balance: number }>).map((v) => v.balance).sort()).toEqual(
      [150, 70],
    );
    const blocked = await api.call(EU, 'POST', '/v1/tenants/m/accounts/acc/entries', {
      body: { entryId: 'e4', amount: 1, currency: 'EUR' },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ code: 'reconciliation_pending', queued: 'created' });
    const again = await api.call(EU, 'POST', '/v1/tenants/m/accounts/acc/entries', {
      body: { entryId: 'e5', amount: 1, currency: 'EUR' },
    });
    expect(again.body.error).toMatchObject({ queued: 'exists' });
    const list = await api.call(EU, 'GET', '/v1/reconciliation');
    expect(list.body.cases).toHaveLength(1);
  });

  test('a person resolves the case with a merged balance; the account is whole again', async () => {
    const api = await conflictedAccount();
    await api.call(EU, 'POST', '/v1/tenants/m/accounts/acc/entries', {
      body: { entryId: 'e4', amount: 1, currency: 'EUR' },
    });
    const list = await api.call(EU, 'GET', '/v1/reconciliation');
    const [open] = list.body.cases as Array<{ caseRef: string; versions: unknown[] }>;
    expect(open?.versions).toHaveLength(2);
    const resolved = await api.call(AP, 'POST', `/v1/reconciliation/${open?.caseRef}/resolve`, {
      body: { balance: 120 },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      forwarded: true,
      account: { balance: 120 },
    });
    expect(api.recorded.metrics.some((metric) => metric.name === 'ConflictResolutionMs')).toBe(
      true,
    );
    api.world.deliverAll();
    const read = await api.call(AP, 'GET', '/v1/tenants/m/accounts/acc');
    expect(read.body).toMatchObject({ balance: 120, conflicted: false, openCases: [] });
    const after = await api.call(EU, 'GET', '/v1/reconciliation');
    expect(after.body.cases).toEqual([]);
    const twice = await api.call(EU, 'POST', `/v1/reconciliation/${open?.caseRef}/resolve`, {
      body: { balance: 1 },
    });
    expect(twice.status).toBe(409);
  });
});

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
