import type { SandboxDeployment } from '../../lib/ops/sandbox/deployment';
import { queryDns, startDnsServer, type DnsServer } from '../../lib/ops/sandbox/dns-server';
import { clientSubnetOf } from '../../lib/ops/sandbox/geo';
import { SandboxDns } from '../../lib/ops/sandbox/sandbox-dns';
import { appRecords, REGIONS } from './support/records';

/** The sandbox's DNS over UDP on 127.0.0.1, from the app's record shapes. */
function sandboxDns(front: 'failover' | 'latency', unhealthy: Set<string>, scale = 0.1) {
  const deployment = {
    records: appRecords(front),
    regionSpecs: REGIONS.map((region) => ({ region })),
  } as unknown as SandboxDeployment;
  return new SandboxDns({
    deployment,
    zoneName: 'example.com.',
    isHealthy: (id) => !unhealthy.has(id.replace('hc-', '')),
    scale,
    defaultClientRegion: 'us-east-1',
  });
}

describe('the DNS server answers as Route 53, placing clients by EDNS client subnet', () => {
  const unhealthy = new Set<string>();
  const dns = sandboxDns('latency', unhealthy);
  let server: DnsServer;
  beforeAll(async () => {
    server = await startDnsServer(0, (name, type, subnet) => dns.answer(name, type, subnet));
  });
  afterAll(() => server.close());
  afterEach(() => unhealthy.clear());

  const ask = (from: string | undefined, name = 'api.example.com') =>
    queryDns({
      port: server.port,
      name,
      ...(from === undefined ? {} : { clientSubnet: clientSubnetOf(from) as string }),
    });

  test('each vantage gets its own region, with the scaled TTL (60 s x 0.1)', async () => {
    expect(await ask('eu-west-1')).toEqual({
      rcode: 'NOERROR',
      answers: [{ type: 'A', value: '127.1.0.2', ttl: 6 }],
    });
    expect((await ask('ap-southeast-2')).answers[0]?.value).toBe('127.1.0.3');
    // no client subnet: the default client region
    expect((await ask(undefined)).answers[0]?.value).toBe('127.1.0.1');
  });

  test('an unhealthy region leaves the answers at once; names outside the zone are refused', async () => {
    unhealthy.add('eu-west-1');
    expect((await ask('eu-west-1')).answers[0]?.value).toBe('127.1.0.1');
    expect((await ask('eu-west-1', 'nope.example.com')).rcode).toBe('NXDOMAIN');
    expect((await ask('eu-west-1', 'example.org')).rcode).toBe('REFUSED');
  });

  test('addresses map back to regions; the API Gateway endpoint names resolve too', () => {
    expect(REGIONS.map((region) => dns.regionOfAddress(dns.address(region)))).toEqual(REGIONS);
    expect(
      dns.answer('d-eu-west-1.execute-api.eu-west-1.amazonaws.com', 'A', undefined),
    ).toMatchObject({
      code: 'NOERROR',
      values: ['127.1.0.2'],
    });
    expect(dns.answer('example.org', 'A', undefined)).toBeUndefined();
  });
});
