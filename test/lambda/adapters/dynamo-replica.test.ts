import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  DeleteCommand,
  GetCommand,
  DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoIdempotencyStore } from '../../../lambda/adapters/dynamo-idempotency';
import { DynamoReplica, requestTokenOf } from '../../../lambda/adapters/dynamo-replica';
import { keyringFromSecret, loadSessionKeyring } from '../../../lambda/adapters/session-keyring';
import { openCaseItemOf } from '../../../lambda/app/items';
import { hlcTimestamp } from '../../../lambda/domain/hlc';
import { buildSlotItem } from '../../../lambda/domain/storage-layout';

// the adapters send lib-dynamodb commands through a document client: mock that class
const dynamo = mockClient(DynamoDBDocumentClient);
const client = new DynamoDBClient({ region: 'eu-west-1' });
const replica = new DynamoReplica({ client, tableName: 'tbl', region: 'eu-west-1' });
const item = buildSlotItem({
  key: { tenantId: 't', type: 'pn-counter', objectId: 'c' },
  region: 'eu-west-1',
  state: { p: { 'eu-west-1': 1 }, n: {} },
  hlc: hlcTimestamp(1_700_000_000_000, 0, 'eu-west-1'),
});

afterEach(() => dynamo.reset());

describe('DynamoReplica.writeSlot', () => {
  test('an unfenced write is one conditional put of the region slot', async () => {
    dynamo.on(PutCommand).resolves({});
    await expect(replica.writeSlot(item)).resolves.toBe('written');
    const [call] = dynamo.commandCalls(PutCommand);
    expect(call?.args[0].input).toEqual({
      TableName: 'tbl',
      Item: item,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  test('a failed revision condition is a revision conflict, not an error', async () => {
    dynamo
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(replica.writeSlot(item)).resolves.toBe('revision-conflict');
  });

  test('a fenced write checks every region ownership slot in the same transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const annotation = { resolvedSiblings: 2, conflictSinceMs: 5 };
    await expect(
      replica.writeSlot(item, {
        fence: { tenantId: 't', epoch: 3, regions: ['us-east-1', 'eu-west-1'] },
        annotation,
      }),
    ).resolves.toBe('written');
    const [call] = dynamo.commandCalls(TransactWriteCommand);
    expect(call?.args[0].input.TransactItems).toEqual([
      {
        ConditionCheck: {
          TableName: 'tbl',
          Key: { pk: 'T#t#ownership', sk: 'S#us-east-1' },
          ConditionExpression: 'attribute_not_exists(pk) OR epoch <= :epoch',
          ExpressionAttributeValues: { ':epoch': 3 },
        },
      },
      {
        ConditionCheck: {
          TableName: 'tbl',
          Key: { pk: 'T#t#ownership', sk: 'S#eu-west-1' },
          ConditionExpression: 'attribute_not_exists(pk) OR epoch <= :epoch',
          ExpressionAttributeValues: { ':epoch': 3 },
        },
      },
      {
        Put: {
          TableName: 'tbl',
          Item: { ...item, ...annotation },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  });

  test.each([
    [['ConditionalCheckFailed', 'None', 'None'], 'fenced'],
    [['None', 'None', 'ConditionalCheckFailed'], 'revision-conflict'],
    [['None', 'TransactionConflict', 'None'], 'revision-conflict'],
  ] as const)('cancellation reasons %j mean %s', async (codes, expected) => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: codes.map((Code) => ({ Code })),
      }),
    );
    await expect(
      replica.writeSlot(item, {
        fence: { tenantId: 't', epoch: 1, regions: ['us-east-1', 'eu-west-1'] },
      }),
    ).resolves.toBe(expected);
  });

  test('a fenced write carries a ClientRequestToken from its operation id and stamp, the same for every SDK retry', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const fence = { tenantId: 't', epoch: 3, regions: ['us-east-1', 'eu-west-1'] };
    await replica.writeSlot(item, { fence, operationId: 'op-1' });
    await replica.writeSlot(item, { fence, operationId: 'op-1' });
    await replica.writeSlot(item, { fence, operationId: 'op-2' });
    const tokens = dynamo
      .commandCalls(TransactWriteCommand)
      .map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens[0]).toBe(requestTokenOf('op-1', item.pk, item.sk, item.rev, item.hlc));
    expect(tokens[0]).toHaveLength(36);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  test('a replica refuses to write another region slot', async () => {
    const other = buildSlotItem({
      key: { tenantId: 't', type: 'pn-counter', objectId: 'c' },
      region: 'us-east-1',
      state: {},
      hlc: hlcTimestamp(1, 0, 'us-east-1'),
    });
    await expect(replica.writeSlot(other)).rejects.toThrow(
      'replica eu-west-1 may only write its own slots, got a slot of us-east-1',
    );
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('DynamoReplica with read-then-write fencing (MRSC tables have no transactions)', () => {
  const mrsc = new DynamoReplica({
    client,
    tableName: 'tbl',
    region: 'eu-west-1',
    fencing: 'read-then-write',
  });
  const fence = { tenantId: 't', epoch: 2, regions: ['us-east-1', 'eu-west-1'] };
  const ownershipItem = (epoch: number) => ({
    pk: 'T#t#ownership',
    sk: 'S#us-east-1',
    tenant: 't',
    writer: 'us-east-1',
    rev: 1,
    home: 'us-east-1',
    epoch,
    hlc: '2024-01-01T00:00:00.000Z-000000-us-east-1',
  });

  test('a higher epoch seen by the consistent read fences the write; nothing is put', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [ownershipItem(3)] });
    await expect(mrsc.writeSlot(item, { fence })).resolves.toBe('fenced');
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      ConsistentRead: true,
    });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  test('a current epoch lets the conditional put through without a transaction', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [ownershipItem(2)] });
    dynamo.on(PutCommand).resolves({});
    await expect(mrsc.writeSlot(item, { fence })).resolves.toBe('written');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('DynamoReplica cases', () => {
  const ref = {
    tenantId: 't',
    type: 'ledger-account' as const,
    objectId: 'a',
    caseId: `case-${'a'.repeat(20)}`,
  };
  const open = {
    ...ref,
    status: 'open' as const,
    openedAtMs: 5,
    openedBy: 'eu-west-1',
    reconciliation: { caseId: ref.caseId, siblings: [], context: {} },
  };

  test('closing a case takes it out of the open-cases index, only if it is still that open case', async () => {
    dynamo.on(GetCommand).resolves({ Item: openCaseItemOf(open) });
    dynamo.on(PutCommand).resolves({});
    await expect(replica.closeCase(ref, 10, 'hlc')).resolves.toBe('closed');
    const [call] = dynamo.commandCalls(PutCommand);
    expect(call?.args[0].input).toMatchObject({
      Item: { pk: 'T#t#cases', sk: 'ledger-account#a', status: 'resolved', resolvedAtMs: 10 },
      ConditionExpression: 'caseId = :caseId AND #status = :status',
      ExpressionAttributeValues: { ':caseId': ref.caseId, ':status': 'open' },
    });
    expect(call?.args[0].input.Item).not.toHaveProperty('gsi1pk');
    // a superseded case id is not the open case: nothing is written
    await expect(
      replica.closeCase({ ...ref, caseId: `case-${'b'.repeat(20)}` }, 10, 'hlc'),
    ).resolves.toBe('not-open');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });

  test('a newer conflict supersedes the open case in place, keeping when it was opened', async () => {
    dynamo.on(GetCommand).resolves({ Item: openCaseItemOf(open) });
    dynamo.on(PutCommand).resolves({});
    const newer = { ...open, caseId: `case-${'c'.repeat(20)}`, openedAtMs: 99 };
    await expect(replica.putCase(newer)).resolves.toBe('superseded');
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      Item: { caseId: newer.caseId, openedAtMs: 5, supersedes: [ref.caseId], gsi1pk: 'case#open' },
      ConditionExpression: 'caseId = :caseId AND #status = :status',
    });
    await expect(replica.putCase(open)).resolves.toBe('exists');
  });
});

describe('DynamoIdempotencyStore', () => {
  const store = new DynamoIdempotencyStore({ client, tableName: 'tbl', region: 'eu-west-1' });

  test('claims a key with one conditional put that also takes over a lapsed or unknown claim of the same request', async () => {
    dynamo.on(PutCommand).resolves({});
    await expect(store.begin('t', 'k', 'f', 1_000)).resolves.toEqual({
      kind: 'claimed',
      readBack: false,
    });
    const [call] = dynamo.commandCalls(PutCommand);
    expect(call?.args[0].input).toEqual({
      TableName: 'tbl',
      Item: {
        pk: 'I#t',
        sk: 'eu-west-1#k',
        status: 'in-progress',
        fingerprint: 'f',
        leaseUntilMs: 31_000,
        expiresAt: 86_401,
      },
      ConditionExpression:
        'attribute_not_exists(pk) OR (fingerprint = :fingerprint AND (#status = :unknown OR (#status = :inProgress AND leaseUntilMs < :now)))',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':inProgress': 'in-progress',
        ':unknown': 'outcome-unknown',
        ':fingerprint': 'f',
        ':now': 1_000,
      },
      ReturnValues: 'ALL_OLD',
    });
  });

  test('a claim taken over from an attempt of unknown outcome reads back before applying', async () => {
    dynamo.on(PutCommand).resolves({ Attributes: { status: 'outcome-unknown' } });
    await expect(store.begin('t', 'k', 'f', 1_000)).resolves.toEqual({
      kind: 'claimed',
      readBack: true,
    });
  });

  test('an answer of unknown outcome keeps the claim, marked', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await store.markUnknown('t', 'k');
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'I#t', sk: 'eu-west-1#k' },
      UpdateExpression: 'SET #status = :status',
      ConditionExpression: '#status = :inProgress',
      ExpressionAttributeValues: { ':status': 'outcome-unknown', ':inProgress': 'in-progress' },
    });
  });

  test('an existing key replays, waits or is refused by fingerprint', async () => {
    dynamo
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const response = { statusCode: 200, headers: {}, body: '{}' };
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: { fingerprint: 'f', status: 'completed', response } })
      .resolvesOnce({ Item: { fingerprint: 'f', status: 'in-progress' } })
      .resolvesOnce({ Item: { fingerprint: 'other', status: 'completed', response } });
    await expect(store.begin('t', 'k', 'f', 1)).resolves.toEqual({ kind: 'completed', response });
    await expect(store.begin('t', 'k', 'f', 1)).resolves.toEqual({ kind: 'in-progress' });
    await expect(store.begin('t', 'k', 'f', 1)).resolves.toEqual({ kind: 'mismatch' });
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      ConsistentRead: true,
    });
  });

  test('release deletes only an in-progress claim', async () => {
    dynamo.on(DeleteCommand).resolves({});
    await store.release('t', 'k');
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'I#t', sk: 'eu-west-1#k' },
      ConditionExpression: '#status = :inProgress',
    });
  });
});

describe('session keyring from Secrets Manager', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());

  test('a plain generated secret signs with a key id derived from it', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'x'.repeat(64) });
    const keyring = await loadSessionKeyring(
      new SecretsManagerClient({ region: 'eu-west-1' }),
      'app/session-key',
    );
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'app/session-key',
    });
    expect(keyring.signing.id).toMatch(/^[0-9a-f]{8}$/);
  });

  test('a rotation document keeps verifying the previous key', () => {
    const keyring = keyringFromSecret(
      JSON.stringify({
        current: { id: 'k2', secret: 'b'.repeat(40) },
        previous: [{ id: 'k1', secret: 'a'.repeat(40) }],
      }),
      's',
    );
    expect(keyring.signing.id).toBe('k2');
    expect(keyring.verifying?.map((key) => key.id)).toEqual(['k1']);
  });

  test('a short secret is refused with the fix', () => {
    expect(() => keyringFromSecret('short', 's')).toThrow(/is 5 bytes; use at least 32$/);
  });
});
