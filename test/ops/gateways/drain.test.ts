import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDrainGateway } from '../../../lib/ops/gateways/drain';
import { commandNames, inputsOf } from '../support/sdk-calls';

const documents = mockClient(DynamoDBDocumentClient);

beforeEach(() => documents.reset());

describe('drain gateway', () => {
  const regionsAsked: string[] = [];
  const gateway = createDrainGateway((region) => {
    regionsAsked.push(region);
    return DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
  }, 'active-active-data');

  test('setDrain writes the flag with TTL to the replica in that region', async () => {
    documents.on(PutCommand).resolves({});

    await gateway.setDrain('eu-west-1', {
      reason: 'aactl drill d1',
      setAt: new Date('2025-03-01T12:00:00Z'),
      expiresAt: new Date('2025-03-01T13:00:00Z'),
      drillId: 'd1',
    });

    expect(regionsAsked.at(-1)).toBe('eu-west-1');
    expect(commandNames(documents)).toEqual(['PutCommand']);
    expect(inputsOf(documents, PutCommand)).toEqual([
      {
        TableName: 'active-active-data',
        Item: {
          pk: '__control__',
          sk: 'drain#eu-west-1',
          drained: true,
          reason: 'aactl drill d1',
          setAt: '2025-03-01T12:00:00.000Z',
          expiresAt: 1740834000,
          drillId: 'd1',
        },
      },
    ]);
  });

  test('clearDrain deletes the item; getDrain reads it strongly consistent', async () => {
    documents.on(DeleteCommand).resolves({});
    documents
      .on(GetCommand)
      .resolvesOnce({
        Item: {
          pk: '__control__',
          sk: 'drain#ap-southeast-2',
          drained: true,
          reason: 'r',
          setAt: '2025-03-01T12:00:00.000Z',
          expiresAt: 1740834000,
        },
      })
      .resolvesOnce({});

    await gateway.clearDrain('ap-southeast-2');
    const present = await gateway.getDrain('ap-southeast-2');
    const absent = await gateway.getDrain('ap-southeast-2');

    expect(commandNames(documents)).toEqual(['DeleteCommand', 'GetCommand', 'GetCommand']);
    expect(inputsOf(documents, DeleteCommand)).toEqual([
      { TableName: 'active-active-data', Key: { pk: '__control__', sk: 'drain#ap-southeast-2' } },
    ]);
    expect(inputsOf(documents, GetCommand)[0]).toEqual({
      TableName: 'active-active-data',
      Key: { pk: '__control__', sk: 'drain#ap-southeast-2' },
      ConsistentRead: true,
    });
    expect(present).toEqual({
      drained: true,
      reason: 'r',
      setAt: new Date('2025-03-01T12:00:00Z'),
      expiresAt: new Date('2025-03-01T13:00:00Z'),
    });
    expect(absent).toBeUndefined();
  });
});
