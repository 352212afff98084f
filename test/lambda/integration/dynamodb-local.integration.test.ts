/**
 * The API against DynamoDB Local: three "regions" (DynamoDB Local keeps one database per region),
 * replicated by the global-table replication engine from each region's stream, the real DynamoDB adapters (conditional puts, transactions,
 * the open-cases index). Skipped with a message when Java is missing.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { collectCopies, ReplicaVersions } from '../../../lambda/adapters/divergence-probe';
import { DynamoIdempotencyStore } from '../../../lambda/adapters/dynamo-idempotency';
import { DynamoReplica } from '../../../lambda/adapters/dynamo-replica';
import { writeHeartbeat } from '../../../lambda/adapters/replication-lag';
import { divergenceReport } from '../../../lambda/app/divergence';
import { takeOverTenant } from '../../../lambda/app/takeover';
import { HybridLogicalClock } from '../../../lambda/domain/hlc';
import { makeHandler } from '../../../lambda/handlers/api';
import { DynamoLocalReplicator } from '../../../lambda/replication/dynamo-local';
import { apiDeps, call, type CallOptions, type Recorded } from '../../helpers/api-harness';
import {
  describeWithDynamoLocal,
  startDynamoLocal,
  type DynamoLocal,
} from '../../helpers/dynamodb-local';
import { createAppTable, tableSnapshot } from '../../helpers/local-table';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];
const TABLE = 'active-active-it';

describeWithDynamoLocal('API on DynamoDB Local, three regions', () => {
  let local: DynamoLocal;
  let replicator: DynamoLocalReplicator;
  const clients = new Map<string, DynamoDBClient>();
  const recorded: Recorded = { metrics: [], errors: [] };
  let handlers: Map<string, ReturnType<typeof makeHandler>>;

  const api = (region: string, method: string, path: string, options: CallOptions = {}) =>
    call(handlers.get(region) as ReturnType<typeof makeHandler>, method, path, options);
  /** Delivers what `from` wrote (only items `only` accepts), item by item. */
  const replicate = (
    from: string,
    only: (key: { pk: string; sk: string }) => boolean = () => true,
  ) => replicator.deliver({ from, where: (mutation) => only(mutation.key) });
  const replicateAll = () => replicator.settle();

  beforeAll(async () => {
    local = await startDynamoLocal('api-three-regions');
    for (const region of REGIONS) {
      const client = local.client(region);
      clients.set(region, client);
      await createAppTable(client, TABLE);
    }
    replicator = new DynamoLocalReplicator({
      regions: REGIONS,
      tableName: TABLE,
      client: (region) => clients.get(region) as DynamoDBClient,
      streams: local.streams,
    });
    await replicator.start();
    const replicaFor = (region: string) =>
      new DynamoReplica({
        client: clients.get(region) as DynamoDBClient,
        tableName: TABLE,
        region,
      });
    handlers = new Map(
      REGIONS.map((region) => [
        region,
        makeHandler(
          apiDeps(
            {
              regions: REGIONS,
              region,
              phase: 'active-active',
              replicas: replicaFor,
              idempotency: new DynamoIdempotencyStore({
                client: clients.get(region) as DynamoDBClient,
                tableName: TABLE,
                region,
              }),
              idempotencyIn: (target) =>
                new DynamoIdempotencyStore({
                  client: clients.get(target) as DynamoDBClient,
                  tableName: TABLE,
                  region: target,
                }),
            },
            recorded,
          ),
        ),
      ]),
    );
  }, 60_000);

  afterAll(async () => {
    await local?.stop();
  });

  afterEach(() => {
    expect(recorded.errors).toEqual([]);
  });

  test('forwarding: an owner-only write in a secondary lands in the home region replica', async () => {
    const write = await api(EU, 'POST', '/v1/tenants/fw/accounts/a/entries', {
      body: { entryId: 'e1', amount: 100, currency: 'USD' },
    });
    expect(write.status).toBe(201);
    expect(write.body).toMatchObject({ forwarded: true, balance: 100 });
    expect(write.headers['x-served-region']).toBe(US);
    expect(await tableSnapshot(clients.get(US) as DynamoDBClient, TABLE)).toContain(
      'T#fw#ledger-account#a',
    );
    expect(await tableSnapshot(clients.get(EU) as DynamoDBClient, TABLE)).not.toContain(
      'T#fw#ledger-account#a',
    );
  });

  test('fencing: a stale owner view is refused by the epoch condition (TransactWriteItems)', async () => {
    await api(US, 'POST', '/v1/tenants/fence/accounts/a/entries', {
      body: { entryId: 'e0', amount: 1, currency: 'USD' },
    });
    await replicateAll();
    // move the tenant to eu-west-1; eu-west-1 has not heard yet
    const moved = await api(US, 'PUT', '/v1/tenants/fence/home', { body: { home: EU } });
    expect(moved.body).toMatchObject({ home: EU, epoch: 1 });
    const before = await tableSnapshot(clients.get(US) as DynamoDBClient, TABLE);
    const stale = await api(EU, 'POST', '/v1/tenants/fence/accounts/a/entries', {
      body: { entryId: 'e1', amount: 5, currency: 'USD' },
    });
    expect(stale.status).toBe(421);
    expect(stale.body.error).toMatchObject({ code: 'wrong_region', homeRegion: EU });
    expect(await tableSnapshot(clients.get(US) as DynamoDBClient, TABLE)).toBe(before);
    // once the transfer arrives, eu-west-1 is the owner and writes locally
    await replicate(US);
    const now = await api(EU, 'POST', '/v1/tenants/fence/accounts/a/entries', {
      body: { entryId: 'e1', amount: 5, currency: 'USD' },
    });
    expect(now.status).toBe(201);
    expect(now.body).toMatchObject({ forwarded: false, balance: 6 });
  });

  test('strong reads of a counter read every replica consistently ([K])', async () => {
    await api(US, 'POST', '/v1/tenants/strong/counters/c', { body: { delta: 9 } });
    const local = await api(EU, 'GET', '/v1/tenants/strong/counters/c');
    expect(local.body.value).toBe(0);
    const strong = await api(EU, 'GET', '/v1/tenants/strong/counters/c', {
      headers: { consistency: 'strong' },
    });
    expect(strong.body.value).toBe(9);
    expect(strong.headers).toMatchObject({
      'x-served-region': REGIONS.join(','),
      'x-staleness-ms': '0',
    });
  });

  test('read-your-writes with a lagging replica', async () => {
    const write = await api(US, 'PUT', '/v1/tenants/ryw/profiles/p', {
      body: { fields: { name: 'Lin' } },
    });
    const headers = {
      consistency: 'read-your-writes',
      'x-session-token': write.body.sessionToken as string,
    };
    const lagging = await api(EU, 'GET', '/v1/tenants/ryw/profiles/p', { headers });
    expect(lagging.status).toBe(200);
    expect(lagging.body.fields).toEqual({ name: 'Lin' });
    // served here, with us-east-1's slot read from us-east-1 ([K])
    expect(lagging.headers['x-served-region']).toBe(`${EU},${US}`);
    await replicateAll();
    const caughtUp = await api(EU, 'GET', '/v1/tenants/ryw/profiles/p', { headers });
    expect(caughtUp.headers['x-served-region']).toBe(EU);
  });

  test('idempotent retries: concurrent requests with one key have one effect', async () => {
    const send = () =>
      api(US, 'POST', '/v1/tenants/idem/counters/c', {
        body: { delta: 1 },
        headers: { 'idempotency-key': 'retry-1' },
      });
    const results = await Promise.all([send(), send(), send(), send(), send()]);
    expect(
      results.map((result) => result.status).every((status) => status === 200 || status === 409),
    ).toBe(true);
    const replay = await send();
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotency-replayed']).toBe('true');
    const read = await api(US, 'GET', '/v1/tenants/idem/counters/c');
    expect(read.body.value).toBe(1);
  });

  test('reconciliation: concurrent money versions open one case; a person resolves it', async () => {
    await api(US, 'POST', '/v1/tenants/rc/accounts/a/entries', {
      body: { entryId: 'e1', amount: 100, currency: 'EUR' },
    });
    await replicateAll();
    await api(US, 'POST', '/v1/tenants/rc/accounts/a/entries', {
      body: { entryId: 'e2', amount: 20, currency: 'EUR' },
    });
    // us-east-1 is lost before its last entry replicated: an operator takes the tenant over
    const taken = await takeOverTenant({
      tenantId: 'rc',
      replica: new DynamoReplica({
        client: clients.get(EU) as DynamoDBClient,
        tableName: TABLE,
        region: EU,
      }),
      regions: REGIONS,
      defaultHome: US,
      clock: new HybridLogicalClock({ region: EU }),
    });
    expect(taken.kind).toBe('taken-over');
    const concurrent = await api(EU, 'POST', '/v1/tenants/rc/accounts/a/entries', {
      body: { entryId: 'e3', amount: -50, currency: 'EUR' },
    });
    expect(concurrent.status).toBe(201);
    await replicateAll();
    const blocked = await api(EU, 'POST', '/v1/tenants/rc/accounts/a/entries', {
      body: { entryId: 'e4', amount: 1, currency: 'EUR' },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ code: 'reconciliation_pending', queued: 'created' });
    const page = await api(EU, 'GET', '/v1/reconciliation', { query: { limit: '10' } });
    const cases = page.body.cases as Array<{
      caseRef: string;
      objectId: string;
      versions: Array<{ region: string; dot: number }>;
    }>;
    const mine = cases.find((entry) => entry.objectId === 'a');
    expect(mine?.versions).toHaveLength(2);
    const chosen = mine?.versions.find((version) => version.region === US);
    const resolved = await api(EU, 'POST', `/v1/reconciliation/${mine?.caseRef}/resolve`, {
      body: { choose: { region: chosen?.region, dot: chosen?.dot } },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.account).toMatchObject({ balance: 120 });
    const account = await api(EU, 'GET', '/v1/tenants/rc/accounts/a');
    expect(account.body).toMatchObject({ balance: 120, conflicted: false, openCases: [] });
    const after = await api(EU, 'GET', '/v1/reconciliation');
    expect((after.body.cases as unknown[]).length).toBe(cases.length - 1);
  });

  test('handoff: the ownership item arrives first, yet the new home answers strong and writes on everything the old home acknowledged ([J])', async () => {
    await api(US, 'POST', '/v1/tenants/ho/accounts/a/entries', {
      body: { entryId: 'e1', amount: 100, currency: 'EUR' },
    });
    await replicateAll();
    await api(US, 'POST', '/v1/tenants/ho/accounts/a/entries', {
      body: { entryId: 'e2', amount: 50, currency: 'EUR' },
    });
    await api(US, 'PUT', '/v1/tenants/ho/home', { body: { home: EU } });
    await replicate(US, (key) => key.pk.endsWith('#ownership'));
    const strong = await api(EU, 'GET', '/v1/tenants/ho/accounts/a', {
      headers: { consistency: 'strong' },
    });
    expect(strong.body).toMatchObject({ balance: 150, conflicted: false });
    expect(strong.headers).toMatchObject({ 'x-served-region': EU, 'x-staleness-ms': '0' });
    const next = await api(EU, 'POST', '/v1/tenants/ho/accounts/a/entries', {
      body: { entryId: 'e3', amount: -30, currency: 'EUR' },
    });
    expect(next.body).toMatchObject({ balance: 120, forwarded: false });
    await replicateAll();
    const everywhere = await api(AP, 'GET', '/v1/tenants/ho/accounts/a');
    expect(everywhere.body).toMatchObject({ balance: 120, conflicted: false, openCases: [] });
  });

  test('read-your-writes and strong across three regions ([K])', async () => {
    const write = await api(AP, 'POST', '/v1/tenants/k3/counters/c', { body: { delta: 7 } });
    const ryw = await api(EU, 'GET', '/v1/tenants/k3/counters/c', {
      headers: {
        consistency: 'read-your-writes',
        'x-session-token': write.body.sessionToken as string,
      },
    });
    expect(ryw.body.value).toBe(7);
    expect(ryw.headers['x-served-region']).toBe(`${EU},${AP}`);
    await api(AP, 'PATCH', '/v1/tenants/k3/profiles/p', { body: { fields: { name: 'Ada' } } });
    const strong = await api(EU, 'GET', '/v1/tenants/k3/profiles/p', {
      headers: { consistency: 'strong' },
    });
    expect(strong.status).toBe(200);
    expect(strong.body.fields).toEqual({ name: 'Ada' });
    expect(strong.headers['x-staleness-ms']).toBe('0');
  });

  test('one Idempotency-Key, one effect across regions: the key is claimed in the home ([K])', async () => {
    const send = (region: string) =>
      api(region, 'POST', '/v1/tenants/k4/counters/c', {
        body: { delta: 5 },
        headers: { 'idempotency-key': 'cross-region-1' },
      });
    const first = await send(US);
    expect(first.status).toBe(200);
    expect(first.headers['idempotency-claimed-in']).toBe(US);
    // a retry that DNS sends elsewhere before anything replicated
    const retry = await send(AP);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    await replicateAll();
    const read = await api(EU, 'GET', '/v1/tenants/k4/counters/c');
    expect(read.body.value).toBe(5);
  });

  test('divergence probe: a heartbeat stuck in one replica is divergence, a flowing one is not', async () => {
    const documentsOf = (region: string) =>
      DynamoDBDocumentClient.from(clients.get(region) as DynamoDBClient);
    const versions = (region: string) => new ReplicaVersions(documentsOf(region), TABLE);
    const now = Date.now();
    // us-east-1 wrote heartbeats; eu-west-1 still holds one from ten minutes ago
    await writeHeartbeat({
      documents: documentsOf(US),
      tableName: TABLE,
      region: US,
      nowMs: now - 600_000,
    });
    await replicate(US, (key) => key.sk.startsWith('heartbeat#'));
    await writeHeartbeat({
      documents: documentsOf(US),
      tableName: TABLE,
      region: US,
      nowMs: now - 5_000,
    });
    const probe = () =>
      collectCopies({
        region: EU,
        regions: REGIONS,
        replica: versions,
        criticalEntities: [{ tenantId: 'rc', type: 'ledger-account', objectId: 'a' }],
        onRemoteError: (region, error) => {
          throw new Error(`${region}: ${String(error)}`);
        },
      });
    expect(divergenceReport(await probe(), now, 300_000)).toMatchObject({
      divergentEntities: 1,
      // two entities (the heartbeat and the account) compared with two other regions each
      checked: 4,
    });
    await replicate(US, (key) => key.sk.startsWith('heartbeat#'));
    expect(divergenceReport(await probe(), now, 300_000)).toMatchObject({
      divergentEntities: 0,
      checked: 4,
    });
  });

  test('open cases page through the sparse index with an opaque cursor', async () => {
    const replica = new DynamoReplica({
      client: clients.get(US) as DynamoDBClient,
      tableName: TABLE,
      region: US,
    });
    for (let index = 0; index < 5; index += 1) {
      await replica.putCase({
        tenantId: `page${index}`,
        type: 'ledger-account',
        objectId: 'a',
        caseId: `case-${String(index).padStart(20, '0')}`,
        status: 'open',
        openedAtMs: 1_000 + index,
        openedBy: US,
        reconciliation: {
          caseId: `case-${String(index).padStart(20, '0')}`,
          siblings: [],
          context: {},
        },
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api(US, 'GET', '/v1/reconciliation', {
        query: { limit: '2', ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      seen.push(...(page.body.cases as Array<{ tenant: string }>).map((entry) => entry.tenant));
      cursor = (page.body.nextCursor as string | null) ?? undefined;
    } while (cursor !== undefined);
    expect(seen.filter((tenant) => tenant.startsWith('page'))).toEqual([
      'page0',
      'page1',
      'page2',
      'page3',
      'page4',
    ]);
    const forged = await api(US, 'GET', '/v1/reconciliation', {
      query: {
        cursor: Buffer.from(
          JSON.stringify({ pk: 'x', sk: 'y', gsi1pk: 'other', gsi1sk: 'z' }),
        ).toString('base64url'),
      },
    });
    expect(forged.status).toBe(400);
  });
});

describeWithDynamoLocal('naughty strings stored in DynamoDB Local', () => {
  let local: DynamoLocal;
  let handler: ReturnType<typeof makeHandler>;
  const recorded: Recorded = { metrics: [], errors: [] };

  beforeAll(async () => {
    local = await startDynamoLocal('naughty-strings');
    const client = local.client(US);
    await createAppTable(client, TABLE);
    handler = makeHandler(
      apiDeps(
        {
          regions: [US],
          region: US,
          replicas: (region) => new DynamoReplica({ client, tableName: TABLE, region }),
          idempotency: new DynamoIdempotencyStore({ client, tableName: TABLE, region: US }),
        },
        recorded,
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await local?.stop();
  });

  test('every naughty string as a set element and a profile value: stored and read back, or refused with 4xx', async () => {
    const naughty = JSON.parse(
      readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'blns', 'blns.json'), 'utf8'),
    ) as string[];
    const unexpected: string[] = [];
    for (const [index, text] of naughty.entries()) {
      const add = await call(handler, 'POST', `/v1/tenants/n/sets/s${Math.floor(index / 50)}`, {
        body: { add: text },
      });
      const patch = await call(handler, 'PATCH', `/v1/tenants/n/profiles/p${index}`, {
        body: { fields: { v: text } },
      });
      for (const response of [add, patch]) {
        if (response.status >= 500)
          unexpected.push(`${response.status} for ${JSON.stringify(text)}`);
      }
      if (patch.status === 200) {
        const read = await call(handler, 'GET', `/v1/tenants/n/profiles/p${index}`);
        if ((read.body.fields as { v?: unknown }).v !== text)
          unexpected.push(`profile value changed: ${JSON.stringify(text)}`);
      }
    }
    expect(unexpected).toEqual([]);
    expect(recorded.errors).toEqual([]);
  }, 120_000);
});
