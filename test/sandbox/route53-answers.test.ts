import { distanceKm } from '../../lib/ops/sandbox/geo';
import { answerQuery, type AnswerContext } from '../../lib/ops/sandbox/route53-answers';
import { appRecords, endpoint, REGIONS as regions } from './support/records';

function context(
  front: 'failover' | 'latency',
  unhealthy: string[],
  client: string,
  secondaryEvaluatesTargetHealth = true,
): AnswerContext {
  return {
    records: appRecords(front, { secondaryEvaluatesTargetHealth }),
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

  test('evaluate-target-health off: the secondary alias counts healthy whatever its target, so all unhealthy answers the nearest standby (its latency set failing open)', () => {
    const ctx = context('failover', regions, 'ap-southeast-2', false);
    expect(answerQuery(ctx, 'api.example.com', 'A').values).toEqual(['127.1.0.3']);
    expect(answerQuery(ctx, 'api.example.com', 'A').path).toEqual([
      'api.example.com',
      'failover.api.example.com secondary',
      'standby.api.example.com ap-southeast-2',
      endpoint('ap-southeast-2'),
    ]);
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
