import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { createRolloutGateway } from '../../../lib/ops/rollout/gateway';

const cloudformation = mockClient(CloudFormationClient);
const cloudwatch = mockClient(CloudWatchClient);

beforeEach(() => {
  cloudformation.reset();
  cloudwatch.reset();
});

const gateway = createRolloutGateway({ endpointUrl: undefined, env: {} });
const window = {
  start: new Date('2026-03-01T11:00:00Z'),
  end: new Date('2026-03-01T12:00:00Z'),
  periodSeconds: 3600,
};

describe('rollout gateway: stack outputs', () => {
  test('returns the outputs by key', async () => {
    cloudformation.on(DescribeStacksCommand, { StackName: 'active-active-data' }).resolves({
      Stacks: [
        {
          StackName: 'active-active-data',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: 'RolloutState', OutputValue: '{"Phase":"read-local"}' },
            { OutputKey: 'TableName', OutputValue: 'active-active-data' },
          ],
        },
      ],
    });
    expect(await gateway.stackOutputs('us-east-1', 'active-active-data')).toEqual({
      RolloutState: '{"Phase":"read-local"}',
      TableName: 'active-active-data',
    });
  });

  test('a stack that does not exist is undefined, not an error', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id active-active-data does not exist'), {
        name: 'ValidationError',
      }),
    );
    expect(await gateway.stackOutputs('us-east-1', 'active-active-data')).toBeUndefined();
  });

  test('other errors are thrown', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(gateway.stackOutputs('us-east-1', 'x')).rejects.toThrow('denied');
  });
});

describe('rollout gateway: metrics', () => {
  test('one GetMetricData with every query, paged, values merged per id', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: 'lag_0_1', Values: [310] }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'lag_0_1', Values: [290] },
          { Id: 'divergent_0', Values: [] },
        ],
      });

    const values = await gateway.metricValues(
      'us-east-1',
      [
        {
          id: 'lag_0_1',
          namespace: 'ActiveActive',
          metricName: 'ReplicationLagMs',
          dimensions: { service: 'active-active', region: 'us-east-1', sourceRegion: 'eu-west-1' },
          stat: 'p99',
        },
        {
          id: 'divergent_0',
          namespace: 'ActiveActive',
          metricName: 'DivergentEntities',
          dimensions: { service: 'active-active', region: 'us-east-1' },
          stat: 'Maximum',
        },
      ],
      window,
    );

    expect(values).toEqual(
      new Map([
        ['lag_0_1', [310, 290]],
        ['divergent_0', []],
      ]),
    );
    const calls = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input).toEqual({
      StartTime: window.start,
      EndTime: window.end,
      NextToken: undefined,
      MetricDataQueries: [
        {
          Id: 'lag_0_1',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'ActiveActive',
              MetricName: 'ReplicationLagMs',
              Dimensions: [
                { Name: 'service', Value: 'active-active' },
                { Name: 'region', Value: 'us-east-1' },
                { Name: 'sourceRegion', Value: 'eu-west-1' },
              ],
            },
            Period: 3600,
            Stat: 'p99',
          },
        },
        expect.objectContaining({ Id: 'divergent_0' }),
      ],
    });
    expect(calls[1]?.args[0].input.NextToken).toBe('page-2');
  });
});

describe('rollout gateway: alarms', () => {
  test('metric and composite alarms in ALARM with the app prefix, paged', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          {
            AlarmName: 'active-active-eu-west-1-errors',
            StateReason: 'Threshold Crossed',
            StateUpdatedTimestamp: new Date('2026-03-01T11:50:00Z'),
          },
        ],
        NextToken: 'next',
      })
      .resolvesOnce({ CompositeAlarms: [{ AlarmName: 'active-active-health' }] });

    const alarms = await gateway.alarmsInAlarm('eu-west-1', 'active-active-');

    expect(alarms).toEqual([
      {
        name: 'active-active-eu-west-1-errors',
        reason: 'Threshold Crossed',
        since: '2026-03-01T11:50:00.000Z',
      },
      { name: 'active-active-health', reason: '', since: null },
    ]);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNamePrefix: 'active-active-',
      StateValue: 'ALARM',
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      NextToken: undefined,
    });
  });
});
