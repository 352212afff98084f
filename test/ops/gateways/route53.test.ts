import {
  ChangeTagsForResourceCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  HealthCheckVersionMismatch,
  ListHealthChecksCommand,
  ListTagsForResourcesCommand,
  Route53Client,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { createRoute53Gateway } from '../../../lib/ops/gateways/route53';
import { commandNames, inputsOf } from '../support/sdk-calls';

const route53 = mockClient(Route53Client);
const gateway = () => createRoute53Gateway(new Route53Client({ region: 'us-east-1' }));

const check = (id: string, version = 1, inverted = false) => ({
  Id: id,
  CallerReference: `ref-${id}`,
  HealthCheckVersion: version,
  HealthCheckConfig: {
    Type: 'HTTPS' as const,
    Inverted: inverted,
    Disabled: false,
    FullyQualifiedDomainName: `${id}.example.com`,
  },
});

beforeEach(() => route53.reset());

describe('Route 53 gateway', () => {
  test('listAppHealthChecks pages through health checks, reads tags 10 at a time, keeps the app', async () => {
    const ids = Array.from({ length: 12 }, (_, index) => `hc${index}`);
    route53
      .on(ListHealthChecksCommand, { MaxItems: 100 })
      .resolves({
        HealthChecks: ids.slice(0, 11).map((id) => check(id)),
        IsTruncated: true,
        NextMarker: 'm2',
        Marker: '',
        MaxItems: 100,
      })
      .on(ListHealthChecksCommand, { MaxItems: 100, Marker: 'm2' })
      .resolves({
        HealthChecks: [check('hc11', 4, true)],
        IsTruncated: false,
        Marker: 'm2',
        MaxItems: 100,
      });
    route53.on(ListTagsForResourcesCommand).callsFake((input: { ResourceIds: string[] }) => ({
      ResourceTagSets: input.ResourceIds.map((id) => ({
        ResourceType: 'healthcheck',
        ResourceId: id,
        Tags: [
          { Key: 'aa:app', Value: id === 'hc3' ? 'other-app' : 'active-active' },
          { Key: 'aa:region', Value: `region-of-${id}` },
        ],
      })),
    }));

    const checks = await gateway().listAppHealthChecks('active-active');

    expect(commandNames(route53)).toEqual([
      'ListHealthChecksCommand',
      'ListHealthChecksCommand',
      'ListTagsForResourcesCommand',
      'ListTagsForResourcesCommand',
    ]);
    expect(inputsOf(route53, ListHealthChecksCommand)).toEqual([
      { MaxItems: 100 },
      { MaxItems: 100, Marker: 'm2' },
    ]);
    expect(inputsOf(route53, ListTagsForResourcesCommand)).toEqual([
      { ResourceType: 'healthcheck', ResourceIds: ids.slice(0, 10) },
      { ResourceType: 'healthcheck', ResourceIds: ['hc10', 'hc11'] },
    ]);
    expect(checks.map((entry) => entry.id)).toEqual(ids.filter((id) => id !== 'hc3'));
    expect(checks.at(-1)).toEqual({
      id: 'hc11',
      version: 4,
      inverted: true,
      disabled: false,
      fqdn: 'hc11.example.com',
      tags: { 'aa:app': 'active-active', 'aa:region': 'region-of-hc11' },
    });
  });

  test('setInverted sends Inverted with HealthCheckVersion (optimistic concurrency)', async () => {
    route53.on(UpdateHealthCheckCommand).resolves({ HealthCheck: check('hc1', 8, true) });

    const updated = await gateway().setInverted('hc1', true, 7);

    expect(commandNames(route53)).toEqual(['UpdateHealthCheckCommand']);
    expect(inputsOf(route53, UpdateHealthCheckCommand)).toEqual([
      { HealthCheckId: 'hc1', HealthCheckVersion: 7, Inverted: true },
    ]);
    expect(updated).toMatchObject({ id: 'hc1', version: 8, inverted: true });
  });

  test('setInverted surfaces HealthCheckVersionMismatch', async () => {
    route53
      .on(UpdateHealthCheckCommand)
      .rejects(new HealthCheckVersionMismatch({ message: 'version mismatch', $metadata: {} }));

    await expect(gateway().setInverted('hc1', true, 1)).rejects.toMatchObject({
      name: 'HealthCheckVersionMismatch',
    });
  });

  test('getHealthCheck and getHealthCheckStatus read settings and checker reports', async () => {
    const checkedAt = new Date('2025-03-01T12:00:00Z');
    route53
      .on(GetHealthCheckCommand, { HealthCheckId: 'hc1' })
      .resolves({ HealthCheck: check('hc1', 3) });
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc1' }).resolves({
      HealthCheckObservations: [
        {
          Region: 'us-west-1',
          IPAddress: '1.2.3.4',
          StatusReport: { Status: 'Success: HTTP Status Code 200, OK', CheckedTime: checkedAt },
        },
        {
          Region: 'eu-west-1',
          IPAddress: '1.2.3.5',
          StatusReport: { Status: 'Failure: Connection timed out' },
        },
      ],
    });

    await expect(gateway().getHealthCheck('hc1')).resolves.toEqual({
      id: 'hc1',
      version: 3,
      inverted: false,
      disabled: false,
      fqdn: 'hc1.example.com',
    });
    await expect(gateway().getHealthCheckStatus('hc1')).resolves.toEqual([
      { checkerRegion: 'us-west-1', status: 'Success: HTTP Status Code 200, OK', checkedAt },
      { checkerRegion: 'eu-west-1', status: 'Failure: Connection timed out' },
    ]);
    expect(inputsOf(route53, GetHealthCheckCommand)).toEqual([{ HealthCheckId: 'hc1' }]);
    expect(inputsOf(route53, GetHealthCheckStatusCommand)).toEqual([{ HealthCheckId: 'hc1' }]);
  });

  test('putTag and removeTag change one tag on the health check', async () => {
    route53.on(ChangeTagsForResourceCommand).resolves({});

    await gateway().putTag('hc1', 'aa:drill-lock', 'v1 id=x');
    await gateway().removeTag('hc1', 'aa:drill-lock');

    expect(inputsOf(route53, ChangeTagsForResourceCommand)).toEqual([
      {
        ResourceType: 'healthcheck',
        ResourceId: 'hc1',
        AddTags: [{ Key: 'aa:drill-lock', Value: 'v1 id=x' }],
      },
      { ResourceType: 'healthcheck', ResourceId: 'hc1', RemoveTagKeys: ['aa:drill-lock'] },
    ]);
  });

  test('testDnsAnswer passes the EDNS0 client subnet and mask', async () => {
    route53.on(TestDNSAnswerCommand).resolves({
      Nameserver: 'ns-1.awsdns-01.org',
      RecordName: 'api.example.com',
      RecordType: 'A',
      RecordData: ['3.3.3.3'],
      ResponseCode: 'NOERROR',
      Protocol: 'UDP',
    });

    const answer = await gateway().testDnsAnswer({
      hostedZoneId: 'Z0123456789EXAMPLE',
      recordName: 'api.example.com',
      recordType: 'A',
      clientSubnet: '54.246.90.0',
      clientSubnetMask: 24,
    });
    await gateway().testDnsAnswer({
      hostedZoneId: 'Z0123456789EXAMPLE',
      recordName: 'eu-west-1.api.example.com',
      recordType: 'A',
    });

    expect(answer).toEqual({ responseCode: 'NOERROR', recordData: ['3.3.3.3'] });
    expect(inputsOf(route53, TestDNSAnswerCommand)).toEqual([
      {
        HostedZoneId: 'Z0123456789EXAMPLE',
        RecordName: 'api.example.com',
        RecordType: 'A',
        EDNS0ClientSubnetIP: '54.246.90.0',
        EDNS0ClientSubnetMask: '24',
      },
      {
        HostedZoneId: 'Z0123456789EXAMPLE',
        RecordName: 'eu-west-1.api.example.com',
        RecordType: 'A',
      },
    ]);
  });
});
