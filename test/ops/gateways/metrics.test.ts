import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { createMetricsGateway } from '../../../lib/ops/gateways/metrics';
import { commandNames, inputsOf } from '../support/sdk-calls';

const cloudwatch = mockClient(CloudWatchClient);

beforeEach(() => cloudwatch.reset());

describe('metrics gateway', () => {
  const gateway = createMetricsGateway(new CloudWatchClient({ region: 'us-east-1' }));
  const timestamp = new Date('2025-03-01T12:00:00Z');

  test('publishes FailoverSeconds, DetectionSeconds and RestoreSeconds with App, Region, Method', async () => {
    cloudwatch.on(PutMetricDataCommand).resolves({});

    await gateway.putDrillMetrics({
      appName: 'active-active',
      region: 'eu-west-1',
      method: 'invert',
      failoverSeconds: 62.5,
      detectionSeconds: 20,
      restoreSeconds: 70,
      timestamp,
    });

    const dimensions = [
      { Name: 'App', Value: 'active-active' },
      { Name: 'Region', Value: 'eu-west-1' },
      { Name: 'Method', Value: 'invert' },
    ];
    expect(commandNames(cloudwatch)).toEqual(['PutMetricDataCommand']);
    expect(inputsOf(cloudwatch, PutMetricDataCommand)).toEqual([
      {
        Namespace: 'ActiveActive/Drills',
        MetricData: [
          {
            MetricName: 'FailoverSeconds',
            Dimensions: dimensions,
            Value: 62.5,
            Unit: 'Seconds',
            Timestamp: timestamp,
          },
          {
            MetricName: 'DetectionSeconds',
            Dimensions: dimensions,
            Value: 20,
            Unit: 'Seconds',
            Timestamp: timestamp,
          },
          {
            MetricName: 'RestoreSeconds',
            Dimensions: dimensions,
            Value: 70,
            Unit: 'Seconds',
            Timestamp: timestamp,
          },
        ],
      },
    ]);
  });

  test('sends nothing when nothing was measured', async () => {
    await gateway.putDrillMetrics({ appName: 'a', region: 'r', method: 'drain', timestamp });

    expect(commandNames(cloudwatch)).toEqual([]);
  });
});
