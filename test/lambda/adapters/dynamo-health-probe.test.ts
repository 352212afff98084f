import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoHealthProbe } from '../../../lambda/adapters/dynamo-health-probe';

describe('DynamoHealthProbe', () => {
  const dynamo = mockClient(DynamoDBClient);
  const probe = new DynamoHealthProbe({
    client: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: 'active-active-data',
    region: 'eu-west-1',
    timeoutMs: 250,
  });
  afterEach(() => dynamo.reset());

  test('reads the region drain flag item from the local table, projected', async () => {
    dynamo.on(GetItemCommand).resolves({});
    await expect(probe.readDrainFlag()).resolves.toEqual({ drained: false });
    const calls = dynamo.commandCalls(GetItemCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      TableName: 'active-active-data',
      Key: { pk: { S: '__control__' }, sk: { S: 'drain#eu-west-1' } },
      ProjectionExpression: 'drained, reason',
    });
  });

  test('reports a set drain flag with its reason', async () => {
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { drained: { BOOL: true }, reason: { S: 'drill' } } });
    await expect(probe.readDrainFlag()).resolves.toEqual({ drained: true, reason: 'drill' });
  });

  test('propagates a failed read so /health answers 503', async () => {
    dynamo
      .on(GetItemCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(probe.readDrainFlag()).rejects.toThrow('throttled');
  });
});
