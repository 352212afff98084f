import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createAlarmsGateway } from '../../../lib/ops/gateways/alarms';
import {
  createDrillHistoryGateway,
  type DrillRecord,
} from '../../../lib/ops/gateways/drill-history';
import { createStacksGateway, stackBusy } from '../../../lib/ops/gateways/stacks';
import { inputsOf } from '../support/sdk-calls';

const cloudformation = mockClient(CloudFormationClient);
const cloudwatch = mockClient(CloudWatchClient);
const documents = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  cloudformation.reset();
  cloudwatch.reset();
  documents.reset();
});

describe('stacks gateway', () => {
  const gateway = createStacksGateway((region) => new CloudFormationClient({ region }));

  test('reads status and outputs', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'active-active-region-eu-west-1',
          StackStatus: 'UPDATE_IN_PROGRESS',
          CreationTime: new Date(0),
          Outputs: [{ OutputKey: 'WritePolicy', OutputValue: '{}' }, { OutputKey: 'Bare' }],
        },
      ],
    });

    expect(await gateway.describeStack('eu-west-1', 'active-active-region-eu-west-1')).toEqual({
      status: 'UPDATE_IN_PROGRESS',
      outputs: { WritePolicy: '{}' },
    });
    expect(inputsOf(cloudformation, DescribeStacksCommand)).toEqual([
      { StackName: 'active-active-region-eu-west-1' },
    ]);
  });

  test('a missing stack is undefined; other errors are thrown', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejectsOnce(
        Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError' }),
      )
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    expect(await gateway.describeStack('eu-west-1', 'x')).toBeUndefined();
    await expect(gateway.describeStack('eu-west-1', 'x')).rejects.toThrow('denied');
  });

  test.each([
    ['UPDATE_IN_PROGRESS', true],
    ['UPDATE_ROLLBACK_IN_PROGRESS', true],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', true],
    ['UPDATE_COMPLETE', false],
    ['ROLLBACK_COMPLETE', false],
  ])('%s busy: %s', (status, busy) => {
    expect(stackBusy(status)).toBe(busy);
  });
});

describe('alarms gateway', () => {
  const gateway = createAlarmsGateway((region) => new CloudWatchClient({ region }));

  test('reads the named metric and composite alarms, 100 names a call', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'a-5xx', StateValue: 'ALARM', StateReason: 'Threshold Crossed' }],
      CompositeAlarms: [{ AlarmName: 'c', StateValue: 'OK' }],
    });
    const names = Array.from({ length: 101 }, (_, index) => `n${index}`);

    const states = await gateway.alarmStates('eu-west-1', names);

    expect(states.slice(0, 2)).toEqual([
      { name: 'a-5xx', state: 'ALARM', reason: 'Threshold Crossed' },
      { name: 'c', state: 'OK', reason: '' },
    ]);
    const inputs = inputsOf(cloudwatch, DescribeAlarmsCommand) as { AlarmNames: string[] }[];
    expect(inputs.map((input) => input.AlarmNames.length)).toEqual([100, 1]);
    expect(inputs[0]).toMatchObject({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
  });
});

describe('drill history gateway', () => {
  const gateway = createDrillHistoryGateway(
    (region) => DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
    'active-active-data',
  );
  const record: DrillRecord = {
    drillId: '20250301T120000Z-eu-west-1-4242',
    region: 'eu-west-1',
    method: 'invert',
    outcome: 'passed',
    startedAt: '2025-03-01T12:00:00.000Z',
    endedAt: '2025-03-01T12:03:00.000Z',
    ranBy: { user: 'alice', host: 'oncall', pid: 4242 },
    failoverSeconds: 40,
    report: { drillId: '20250301T120000Z-eu-west-1-4242', outcome: 'passed' },
  };

  test('puts one control item per drill, the report as a JSON string', async () => {
    documents.on(PutCommand).resolves({});

    await gateway.putRecord('us-east-1', record);

    expect(inputsOf(documents, PutCommand)).toEqual([
      {
        TableName: 'active-active-data',
        Item: {
          pk: '__control__',
          sk: 'drill#20250301T120000Z-eu-west-1-4242',
          drillId: record.drillId,
          region: 'eu-west-1',
          method: 'invert',
          outcome: 'passed',
          startedAt: record.startedAt,
          endedAt: record.endedAt,
          ranBy: record.ranBy,
          failoverSeconds: 40,
          report: JSON.stringify(record.report),
        },
      },
    ]);
  });

  test('lists newest first without the reports, paging up to the limit', async () => {
    const { report: _report, ...summary } = record;
    documents
      .on(QueryCommand)
      .resolvesOnce({ Items: [summary], LastEvaluatedKey: { pk: 'x', sk: 'y' } })
      .resolvesOnce({ Items: [{ ...summary, drillId: 'older' }] });

    const drills = await gateway.listRecords('us-east-1', 5);

    expect(drills.map((drill) => drill.drillId)).toEqual([record.drillId, 'older']);
    const [first, second] = inputsOf(documents, QueryCommand) as Record<string, unknown>[];
    expect(first).toMatchObject({
      TableName: 'active-active-data',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeValues: { ':pk': '__control__', ':prefix': 'drill#' },
      ScanIndexForward: false,
      Limit: 5,
    });
    expect(String(first?.ProjectionExpression)).not.toContain('report');
    expect(second).toMatchObject({ Limit: 4, ExclusiveStartKey: { pk: 'x', sk: 'y' } });
  });

  test('gets one record with its report; unknown ids are undefined', async () => {
    documents
      .on(GetCommand)
      .resolvesOnce({ Item: { ...record, report: JSON.stringify(record.report) } })
      .resolvesOnce({});

    expect(await gateway.getRecord('us-east-1', record.drillId)).toEqual(record);
    expect(await gateway.getRecord('us-east-1', 'nope')).toBeUndefined();
    expect(inputsOf(documents, GetCommand)[0]).toEqual({
      TableName: 'active-active-data',
      Key: { pk: '__control__', sk: `drill#${record.drillId}` },
    });
  });
});
