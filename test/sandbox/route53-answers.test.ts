import type { RecordSetSpec } from '../../lib/ops/sandbox/deployment';
import { distanceKm } from '../../lib/ops/sandbox/geo';
import { answerQuery, type AnswerContext } from '../../lib/ops/sandbox/route53-answers';

/** The app's record shapes: public alias -> failover pair / latency set -> origin -> endpoint. */
const ZONE = 'Z1';
const endpoint = (region: string) => `d-${region}.execute-api.${region}.amazonaws.com`;
const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const alias = (dnsName: string, evaluateTargetHealth = true) => ({
  dnsName,
  hostedZoneId: ZONE,
  evaluateTargetHealth,
});
const records = (front: 'failover' | 'latency'): RecordSetSpec[] => [
  {
    name: 'api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    alias: alias(`${front}.api.example.com`),
  },
  {
    name: 'failover.api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    failover: 'PRIMARY',
    setIdentifier: 'primary',
    healthCheckId: 'hc-us-east-1',
    alias: alias('us-east-1.origin.api.example.com'),
  },
  {
    name: 'failover.api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    failover: 'SECONDARY',
    setIdentifier: 'secondary',
    alias: alias('standby.api.example.com'),
  },
  ...regions.map((region): RecordSetSpec => ({
    name: `${region}.origin.api.example.com`,
    type: 'A',
    hostedZoneId: ZONE,
    alias: alias(endpoint(region)),
  })),
  ...regions.map((region): RecordSetSpec => ({
    name: 'latency.api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    region,
    setIdentifier: region,
    healthCheckId: `hc-${region}`,
    alias: alias(endpoint(region)),
  })),
  ...regions.slice(1).map((region): RecordSetSpec => ({
    name: 'standby.api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    region,
    setIdentifier: region,
    healthCheckId: `hc-${region}`,
    alias: alias(endpoint(region)),
  })),
  {
    name: '_aa.api.example.com',
    type: 'TXT',
    hostedZoneId: ZONE,
    ttlSeconds: 60,
    values: ['"phase=active-active"'],
  },
];

function context(
  front: 'failover' | 'latency',
  unhealthy: string[],
  client: string,
): AnswerContext {
  return {
    records: records(front),
    isHealthy: (id) => !unhealthy.includes(id.replace('hc-', '')),
    endpointAddresses: (name) => {
      const index = regions.findIndex((region) => name === endpoint(region));
      return index < 0 ? undefined : [`127.1.0.${index + 1}`];
    },
    endpointTtlSeconds: 60,
    latency: (region) => distanceKm(client, region),
  };
}

const answer = (front: 'failover' | 'latency', unhealthy: string[], client: string) =>
  answerQuery(context(front, unhealthy, client), 'API.example.com.', 'A').values;

describe('Route 53 answers from the synthesized record shapes', () => {
  test('latency: each client gets its nearest healthy region', () => {
    expect(answer('latency', [], 'eu-west-1')).toEqual(['127.1.0.2']);
    expect(answer('latency', [], 'ap-southeast-2')).toEqual(['127.1.0.3']);
    expect(answer('latency', ['eu-west-1'], 'eu-west-1')).toEqual(['127.1.0.1']);
    expect(answer('latency', [], 'us-west-2')).toEqual(['127.1.0.1']);
  });

  test('latency fails open: every member unhealthy answers as if all were healthy', () => {
    expect(answer('latency', regions, 'eu-west-1')).toEqual(['127.1.0.2']);
  });

  test('failover: the primary while healthy, else the nearest healthy standby', () => {
    expect(answer('failover', [], 'ap-southeast-2')).toEqual(['127.1.0.1']);
    expect(answer('failover', ['us-east-1'], 'ap-southeast-2')).toEqual(['127.1.0.3']);
    expect(answer('failover', ['us-east-1'], 'eu-west-1')).toEqual(['127.1.0.2']);
  });

  test('evaluate-target-health: a secondary whose standby set is all unhealthy is unhealthy, and both unhealthy answers the primary', () => {
    expect(answer('failover', regions, 'eu-west-1')).toEqual(['127.1.0.1']);
  });

  test('an alias takes its target TTL; plain records keep theirs; unknown names are NXDOMAIN', () => {
    const ctx = context('latency', [], 'eu-west-1');
    expect(answerQuery(ctx, 'api.example.com', 'A').ttlSeconds).toBe(60);
    expect(answerQuery(ctx, '_aa.api.example.com', 'TXT')).toMatchObject({
      code: 'NOERROR',
      values: ['"phase=active-active"'],
      ttlSeconds: 60,
    });
    expect(answerQuery(ctx, 'nope.api.example.com', 'A').code).toBe('NXDOMAIN');
    expect(answerQuery(ctx, 'api.example.com', 'A').path).toEqual([
      'api.example.com',
      'latency.api.example.com eu-west-1',
      endpoint('eu-west-1'),
    ]);
  });
});
