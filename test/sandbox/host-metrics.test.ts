import type { AlarmSpec } from '../../lib/ops/sandbox/deployment';
import { evaluateAlarm, MetricStore } from '../../lib/ops/sandbox/metric-store';
import { apiGatewayMetrics, lambdaMetrics } from '../../lib/ops/sandbox/region/host-metrics';

const fiveXx: AlarmSpec = {
  region: 'eu-west-1',
  name: 'shop-eu-west-1-api-5xx',
  namespace: 'AWS/ApiGateway',
  metricName: '5xx',
  dimensions: { ApiId: 'sandbox-eu-west-1' },
  statistic: 'Sum',
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0,
  comparison: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
};

describe('what AWS publishes for a region, as the region hosts publish it', () => {
  test("API Gateway: Count, 4xx, 5xx and latencies by ApiId; the app's 5xx alarm reads them", () => {
    const store = new MetricStore();
    const now = Date.now();
    const request = (statusCode: number) =>
      store.putEmf(
        apiGatewayMetrics(
          'sandbox-eu-west-1',
          { statusCode, latencyMs: 12, integrationLatencyMs: 10 },
          now,
        ),
      );
    request(200);
    request(403);
    expect(evaluateAlarm(store, fiveXx, now + 1, 1).state).toBe('OK');
    request(503);
    const sum = (name: string) =>
      store.query({
        namespace: 'AWS/ApiGateway',
        name,
        dimensions: { ApiId: 'sandbox-eu-west-1' },
        stat: 'Sum',
        periodSeconds: 60,
        startMs: now - 60_000,
        endMs: now + 60_000,
      }).values;
    expect([sum('Count'), sum('4xx'), sum('5xx'), sum('IntegrationLatency')]).toEqual([
      [3],
      [1],
      [1],
      [30],
    ]);
    expect(evaluateAlarm(store, fiveXx, now + 1, 1).state).toBe('ALARM');
  });

  test('Lambda: Invocations, Errors and Duration by FunctionName', () => {
    const store = new MetricStore();
    const now = Date.now();
    store.putEmf(lambdaMetrics('f', { durationMs: 40, failed: false }, now));
    store.putEmf(lambdaMetrics('f', { durationMs: 3000, failed: true }, now));
    const stat = (name: string, statName: string) =>
      store.query({
        namespace: 'AWS/Lambda',
        name,
        dimensions: { FunctionName: 'f' },
        stat: statName,
        periodSeconds: 60,
        startMs: now - 60_000,
        endMs: now + 60_000,
      }).values[0];
    expect([
      stat('Invocations', 'Sum'),
      stat('Errors', 'Sum'),
      stat('Duration', 'Maximum'),
    ]).toEqual([2, 1, 3000]);
    expect(store.metrics().map((metric) => metric.name)).toEqual([
      'Invocations',
      'Errors',
      'Duration',
    ]);
  });
});
