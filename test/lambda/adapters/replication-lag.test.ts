import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { writeHeartbeat } from '../../../lambda/adapters/replication-lag';
import { heartbeatKey } from '../../../lambda/contract/naming';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const mock = mockClient(documents);

afterEach(() => mock.reset());

function putItem() {
  const puts = mock.commandCalls(PutCommand);
  expect(puts).toHaveLength(1);
  return puts[0]?.args[0].input.Item as Record<string, unknown>;
}

describe('writeHeartbeat', () => {
  test('the first heartbeat starts the series: sinceMs is its own send time', async () => {
    mock.on(GetCommand).resolves({});
    await writeHeartbeat({ documents, tableName: 'tbl', region: 'eu-west-1', nowMs: 5_000 });
    expect(mock.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'tbl',
      Key: heartbeatKey('eu-west-1'),
      ConsistentRead: true,
    });
    expect(putItem()).toMatchObject({ sentAtMs: 5_000, sinceMs: 5_000, writer: 'eu-west-1' });
  });

  test('later heartbeats carry the series start forward (a PutItem replaces the whole item)', async () => {
    mock.on(GetCommand).resolves({ Item: { sentAtMs: 60_000, sinceMs: 1_000 } });
    await writeHeartbeat({ documents, tableName: 'tbl', region: 'eu-west-1', nowMs: 120_000 });
    expect(putItem()).toMatchObject({ sentAtMs: 120_000, sinceMs: 1_000 });
  });
});
