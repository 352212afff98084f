/**
 * One region's replica of the global table, on DynamoDB. Every write here targets an item whose
 * only writer is this replica's region (its slot of an object, its ownership slot, the cases the
 * tenant's home opens), so DynamoDB's own last-writer-wins never has two writers to choose from.
 */
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, OPEN_CASES_PARTITION } from '../app/cursor';
import {
  caseRecordOf,
  caseUpdateOf,
  openCaseItemOf,
  ownershipItemOf,
  ownershipSlotOf,
  resolvedCaseItemOf,
} from '../app/items';
import type {
  CasePage,
  CaseQueued,
  CaseRecord,
  CaseRef,
  ConditionalWriteResult,
  ConflictAnnotation,
  OwnerFence,
  OwnershipSlot,
  RegionReplica,
} from '../app/ports';
import type { Ownership } from '../domain/ownership';
import {
  caseKeyOf,
  objectPartitionKey,
  ownershipPartitionKey,
  ownershipSlotKeyOf,
  parseSlotItem,
  slotWriteCondition,
  type ObjectKey,
  type SlotItem,
} from '../domain/storage-layout';

/**
 * The ClientRequestToken of a transaction writing revision `rev` of an item, stamped `hlc`, for an
 * operation: the same for every SDK retry of that request (it resends the same input), different
 * for any other write, including a later attempt of the same operation (a new stamp: DynamoDB
 * refuses a reused token with other parameters). At most 36 characters, as DynamoDB requires.
 */
export function requestTokenOf(
  operationId: string,
  pk: string,
  sk: string,
  rev: number,
  hlc: string,
): string {
  return createHash('sha256')
    .update(`${operationId}\n${pk}\n${sk}\n${rev}\n${hlc}`)
    .digest('hex')
    .slice(0, 36);
}

/** A condition that a case item is still `current` (or still absent). */
function sameCaseCondition(current: CaseRecord | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (current === undefined) return { ConditionExpression: 'attribute_not_exists(pk)' };
  return {
    ConditionExpression: 'caseId = :caseId AND #status = :status',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':caseId': current.caseId, ':status': current.status },
  };
}

/** Sparse index of open reconciliation cases. */
export const OPEN_CASES_INDEX = 'gsi1';

export interface DynamoReplicaOptions {
  /** A client for the replica's region. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly region: string;
  /**
   * How owner-only writes are fenced. `transaction`: one TransactWriteItems with a ConditionCheck
   * on every ownership slot, atomic with the write. `read-then-write`: a strongly consistent read
   * of the ownership slots, then the conditional put; for multi-region strong consistency tables,
   * which have no transactions but whose consistent reads see every region's latest write (the
   * window between the read and the put remains, and is documented).
   * @default 'transaction'
   */
  readonly fencing?: 'transaction' | 'read-then-write';
}

/** `RegionReplica` on a DynamoDB table replica. */
export class DynamoReplica implements RegionReplica {
  readonly region: string;
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly fencing: 'transaction' | 'read-then-write';

  constructor(options: DynamoReplicaOptions) {
    this.region = options.region;
    this.tableName = options.tableName;
    this.fencing = options.fencing ?? 'transaction';
    this.documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async readSlots(key: ObjectKey, options: { consistent?: boolean } = {}): Promise<SlotItem[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :slot)',
      ExpressionAttributeValues: { ':pk': objectPartitionKey(key), ':slot': 'S#' },
      ConsistentRead: options.consistent === true,
    });
    return items.map((item) => parseSlotItem(item));
  }

  async writeSlot(
    item: SlotItem,
    options: { fence?: OwnerFence; annotation?: ConflictAnnotation; operationId?: string } = {},
  ): Promise<ConditionalWriteResult> {
    if (item.region !== this.region) {
      throw new Error(
        `replica ${this.region} may only write its own slots, got a slot of ${item.region}`,
      );
    }
    const condition = slotWriteCondition(item);
    const put = {
      TableName: this.tableName,
      Item: { ...item, ...(options.annotation ?? {}) },
      ConditionExpression: condition.conditionExpression,
      ...(Object.keys(condition.expressionAttributeValues).length > 0
        ? { ExpressionAttributeValues: condition.expressionAttributeValues }
        : {}),
    };
    return this.fencedPut(
      put,
      options.fence,
      options.fence?.regions ?? [],
      options.operationId === undefined
        ? undefined
        : requestTokenOf(options.operationId, item.pk, item.sk, item.rev, item.hlc),
    );
  }

  async readOwnership(
    tenantId: string,
    options: { consistent?: boolean } = {},
  ): Promise<OwnershipSlot[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ownershipPartitionKey(tenantId) },
      ConsistentRead: options.consistent === true,
    });
    return items.map(ownershipSlotOf);
  }

  async writeOwnership(
    ownership: Ownership,
    expectedRev: number,
    fence: OwnerFence,
  ): Promise<ConditionalWriteResult> {
    const put = {
      TableName: this.tableName,
      Item: ownershipItemOf(ownership, this.region, expectedRev + 1),
      // Our own slot cannot also be a ConditionCheck of the same transaction: fence it here.
      ConditionExpression:
        expectedRev === 0
          ? 'attribute_not_exists(pk)'
          : 'rev = :expectedRev AND (attribute_not_exists(epoch) OR epoch <= :fenceEpoch)',
      ...(expectedRev === 0
        ? {}
        : {
            ExpressionAttributeValues: { ':expectedRev': expectedRev, ':fenceEpoch': fence.epoch },
          }),
    };
    return this.fencedPut(
      put,
      fence,
      fence.regions.filter((region) => region !== this.region),
    );
  }

  async putCase(record: CaseRecord, fence?: OwnerFence): Promise<CaseQueued | 'fenced'> {
    // Read, decide, then write on condition that the item is still what was read.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = await this.getCase(record, { consistent: true });
      const update = caseUpdateOf(current, record);
      if (update.outcome === 'exists') return 'exists';
      const written = await this.fencedPut(
        {
          TableName: this.tableName,
          Item: openCaseItemOf(update.record),
          ...sameCaseCondition(current),
        },
        fence,
        fence?.regions ?? [],
      );
      if (written === 'fenced') return 'fenced';
      if (written === 'written') return update.outcome;
    }
    return 'exists';
  }

  async getCase(
    key: ObjectKey,
    options: { consistent?: boolean } = {},
  ): Promise<CaseRecord | undefined> {
    const output = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: caseKeyOf(key),
        ConsistentRead: options.consistent === true,
      }),
    );
    return output.Item === undefined ? undefined : caseRecordOf(output.Item);
  }

  async listOpenCases(limit: number, cursor?: string): Promise<CasePage> {
    const output = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: OPEN_CASES_INDEX,
        KeyConditionExpression: 'gsi1pk = :open',
        ExpressionAttributeValues: { ':open': OPEN_CASES_PARTITION },
        Limit: limit,
        ...(cursor === undefined ? {} : { ExclusiveStartKey: decodeCursor(cursor) }),
      }),
    );
    const next = output.LastEvaluatedKey;
    return {
      cases: (output.Items ?? []).map(caseRecordOf),
      ...(next === undefined ? {} : { cursor: encodeCursor(next) }),
    };
  }

  async listObjectCases(key: ObjectKey): Promise<CaseRecord[]> {
    const record = await this.getCase(key, { consistent: true });
    return record?.status === 'open' ? [record] : [];
  }

  async closeCase(
    ref: CaseRef,
    resolvedAtMs: number,
    resolvedHlc: string,
    fence?: OwnerFence,
  ): Promise<'closed' | 'not-open' | 'fenced'> {
    const current = await this.getCase(ref, { consistent: true });
    if (current?.status !== 'open' || current.caseId !== ref.caseId) return 'not-open';
    const written = await this.fencedPut(
      {
        TableName: this.tableName,
        Item: resolvedCaseItemOf(current, resolvedAtMs, resolvedHlc),
        ...sameCaseCondition(current),
      },
      fence,
      fence?.regions ?? [],
    );
    return written === 'written' ? 'closed' : written === 'fenced' ? 'fenced' : 'not-open';
  }

  /**
   * Puts `put` under its own condition and, with `fence`, the owner-epoch fence: in one
   * transaction with a ConditionCheck on the ownership slots of `checkedRegions`, or after a
   * strongly consistent read of them (`read-then-write`, for tables without transactions).
   */
  private async fencedPut(
    put: NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Put']>,
    fence: OwnerFence | undefined,
    checkedRegions: readonly string[],
    clientRequestToken?: string,
  ): Promise<ConditionalWriteResult> {
    if (fence === undefined || this.fencing === 'read-then-write') {
      if (fence !== undefined && (await this.epochMovedPast(fence))) return 'fenced';
      const written = await this.conditionMet(() => this.documents.send(new PutCommand(put)));
      return written ? 'written' : 'revision-conflict';
    }
    const checks = { ...fence, regions: checkedRegions };
    return this.transact(
      [...this.fenceChecks(checks), { Put: put }],
      checks.regions.length,
      clientRequestToken,
    );
  }

  /** Runs a conditional write: false when its condition failed. */
  private async conditionMet(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Whether any ownership slot holds an epoch above the fence (a strongly consistent read). */
  private async epochMovedPast(fence: OwnerFence): Promise<boolean> {
    const slots = await this.readOwnership(fence.tenantId, { consistent: true });
    return slots.some((slot) => slot.ownership.epoch > fence.epoch);
  }

  /** ConditionChecks that no region's ownership slot holds an epoch above the fence. */
  private fenceChecks(fence: OwnerFence): NonNullable<TransactWriteCommandInput['TransactItems']> {
    return fence.regions.map((region) => ({
      ConditionCheck: {
        TableName: this.tableName,
        Key: ownershipSlotKeyOf(fence.tenantId, region),
        ConditionExpression: 'attribute_not_exists(pk) OR epoch <= :epoch',
        ExpressionAttributeValues: { ':epoch': fence.epoch },
      },
    }));
  }

  /** Runs a transaction whose first `fenceCount` items are fence checks and whose last is the write. */
  private async transact(
    items: NonNullable<TransactWriteCommandInput['TransactItems']>,
    fenceCount: number,
    clientRequestToken?: string,
  ): Promise<ConditionalWriteResult> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: items,
          // a retry of the same transaction within 10 minutes is recognised by DynamoDB
          ...(clientRequestToken === undefined ? {} : { ClientRequestToken: clientRequestToken }),
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        const failed = (index: number) => reasons[index]?.Code === 'ConditionalCheckFailed';
        for (let index = 0; index < fenceCount; index += 1) {
          if (failed(index)) return 'fenced';
        }
        if (failed(fenceCount)) return 'revision-conflict';
        // TransactionConflict: another transaction touched the same items; re-read and retry.
        if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
          return 'revision-conflict';
        }
      }
      throw error;
    }
  }

  private async queryAll(
    input: ConstructorParameters<typeof QueryCommand>[0],
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const output = await this.documents.send(
        new QueryCommand({
          ...input,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      items.push(...((output.Items ?? []) as Record<string, unknown>[]));
      start = output.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }
}
