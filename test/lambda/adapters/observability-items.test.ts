import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { openCaseStats, readCriticalEntities } from '../../../lambda/adapters/observability-items';

describe('observability items', () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => dynamo.reset());

  test('reads the critical entities from the config item of the local replica', async () => {
    dynamo.on(GetCommand).resolves({
      Item: { criticalEntities: '[{"tenant":"bank","type":"ledger-account","id":"float"}]' },
    });
    await expect(readCriticalEntities(documents, 't')).resolves.toEqual([
      { tenantId: 'bank', type: 'ledger-account', objectId: 'float' },
    ]);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 't',
      Key: { pk: '__control__', sk: 'config#observability' },
    });
  });

  test('a missing config item is undefined (the probe checks heartbeats only and warns)', async () => {
    dynamo.on(GetCommand).resolves({});
    await expect(readCriticalEntities(documents, 't')).resolves.toBeUndefined();
  });

  test('counts open cases over every page and ages the oldest', async () => {
    dynamo
      .on(QueryCommand, { Limit: 1 })
      .resolves({ Items: [{ openedAtMs: 1_000 }] })
      .on(QueryCommand, { Select: 'COUNT' })
      .resolvesOnce({ Count: 100, LastEvaluatedKey: { pk: 'x' } })
      .resolvesOnce({ Count: 3 });
    await expect(openCaseStats(documents, 't', 3_601_000)).resolves.toEqual({
      open: 103,
      oldestAgeSeconds: 3600,
    });
    const oldest = dynamo.commandCalls(QueryCommand, { Limit: 1 })[0]!.args[0].input;
    expect(oldest).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :open',
      ExpressionAttributeValues: { ':open': 'case#open' },
    });
  });

  test('no open case is 0 cases of age 0', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [], Count: 0 });
    await expect(openCaseStats(documents, 't', 5_000)).resolves.toEqual({
      open: 0,
      oldestAgeSeconds: 0,
    });
  });
});
