import { conflictedAccount as makeConflictedAccount, memoryApi } from '../../helpers/api-harness';

const US = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-southeast-2';
const REGIONS = [US, EU, AP];

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
