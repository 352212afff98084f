import { MemoryReplica } from '../../../lambda/adapters/memory-replica';
import { planTakeover, takeOverTenant } from '../../../lambda/app/takeover';
import { HybridLogicalClock } from '../../../lambda/domain/hlc';
import { runCli } from '../../../lib/ops/cli/program';
import type { TenantsGateway } from '../../../lib/ops/gateways/tenants';
import type { OpsGateways } from '../../../lib/ops/live';
import { memoryApi } from '../../helpers/api-harness';
import { FakeInput, testCliDeps, writeCdkJson } from '../support/cli-harness';

const US = 'us-east-1';
const EU = 'eu-west-1';
const REGIONS = [US, EU, 'ap-southeast-2'];

/** The tenants gateway over in-memory replicas (the same app code as the DynamoDB one). */
function memoryTenants(api: ReturnType<typeof memoryApi>): TenantsGateway {
  const replica = (region: string) => new MemoryReplica({ table: api.world, region });
  return {
    async previewTakeover(tenant, to, defaultHome) {
      const slots = await replica(to).readOwnership(tenant);
      return {
        plan: planTakeover(tenant, to, slots, defaultHome, new HybridLogicalClock({ region: to })),
        homeHeartbeatAgeMs: 42_000,
      };
    },
    takeOver: (tenant, to, defaultHome) =>
      takeOverTenant({
        tenantId: tenant,
        replica: replica(to),
        regions: REGIONS,
        defaultHome,
        clock: new HybridLogicalClock({ region: to }),
      }),
    listMoved: async () => [],
  };
}

async function aactl(api: ReturnType<typeof memoryApi>, argv: string[], stdin?: FakeInput) {
  const { deps, stdout, stderr } = testCliDeps({
    makeGateways: () => ({ tenants: memoryTenants(api) }) as unknown as OpsGateways,
    ...(stdin ? { stdin } : {}),
  });
  const code = await runCli(['--cdk-json', writeCdkJson(), ...argv], deps);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('aactl tenant takeover ([J]: a home that is gone)', () => {
  test('a dry run says what moves and what may be lost, and changes nothing', async () => {
    const api = memoryApi(REGIONS);
    const before = api.world.snapshot(EU);
    const run = await aactl(api, ['tenant', 'takeover', '--tenant', 't1', '--to', EU]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('us-east-1 (epoch 0) -> eu-west-1 (epoch 1)');
    expect(run.stdout).toContain('about the last 42s');
    expect(run.stdout).toContain('Dry run: nothing was changed');
    expect(api.world.snapshot(EU)).toBe(before);
  });

  test('--execute --yes takes the tenant over; the new home writes, the lost home is fenced once it hears', async () => {
    const api = memoryApi(REGIONS);
    const run = await aactl(api, [
      'tenant',
      'takeover',
      '--tenant',
      't1',
      '--to',
      EU,
      '--execute',
      '--yes',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Tenant t1 is homed in eu-west-1 from epoch 1');
    const entry = await api.call(EU, 'POST', '/v1/tenants/t1/accounts/a/entries', {
      body: { entryId: 'e1', amount: 5, currency: 'EUR' },
    });
    expect(entry.status).toBe(201);
    expect(entry.headers['x-served-region']).toBe(EU);
    api.world.deliverAll();
    const old = await api.call(US, 'POST', '/v1/tenants/t1/accounts/a/entries', {
      body: { entryId: 'e2', amount: 5, currency: 'EUR' },
      headers: { 'x-when-not-owner': 'reject' },
    });
    expect(old.status).toBe(421);
  });

  test('--execute without a terminal and without --yes is a usage error; nothing changes', async () => {
    const api = memoryApi(REGIONS);
    const before = api.world.snapshot(EU);
    const run = await aactl(api, ['tenant', 'takeover', '--tenant', 't1', '--to', EU, '--execute']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass --yes');
    expect(api.world.snapshot(EU)).toBe(before);
  });

  test('on a terminal the operator types the tenant id; a wrong answer changes nothing', async () => {
    const api = memoryApi(REGIONS);
    const stdin = new FakeInput(true);
    const running = aactl(
      api,
      ['tenant', 'takeover', '--tenant', 't1', '--to', EU, '--execute'],
      stdin,
    );
    stdin.answer('t2');
    const run = await running;
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('not confirmed');
    expect(api.world.snapshot(EU)).toBe('[]');
  });

  test('an unknown region is a usage error naming the regions', async () => {
    const api = memoryApi(REGIONS);
    const run = await aactl(api, ['tenant', 'takeover', '--tenant', 't1', '--to', 'mars-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--to must be one of');
  });
});
