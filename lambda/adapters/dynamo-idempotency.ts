/**
 * Idempotency claims on the global table: one item per (scope, claiming region, key), claimed
 * with a conditional put in the claiming region's replica. The API claims in the tenant's home
 * (docs/api.md), so concurrent retries sent to any region meet the same item; each region writes
 * only the items with its name in the sort key. A claim is released (4xx: nothing written, so the
 * item is deleted and nothing is left behind) or kept as `outcome-unknown` (5xx).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { recordOf } from '../app/items';
import type {
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyStore,
  StoredResponse,
} from '../app/ports';
import { idempotencyKeyOf } from './idempotency-keys';

export interface DynamoIdempotencyOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The region whose records this store writes. */
  readonly region: string;
  /** How long a claim blocks retries before another attempt may take it over. @default 30 s */
  readonly leaseMs?: number;
  /** How long completed responses are kept. @default 24 h */
  readonly retentionSeconds?: number;
}

export class DynamoIdempotencyStore implements IdempotencyStore {
  readonly region: string;
  private readonly documents: DynamoDBDocumentClient;
  private readonly leaseMs: number;
  private readonly retentionSeconds: number;

  constructor(private readonly options: DynamoIdempotencyOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.leaseMs = options.leaseMs ?? 30_000;
    this.region = options.region;
    this.retentionSeconds = options.retentionSeconds ?? 24 * 60 * 60;
  }

  async begin(
    scope: string,
    key: string,
    fingerprint: string,
    nowMs: number,
  ): Promise<IdempotencyClaim> {
    try {
      const previous = await this.documents.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...this.keyOf(scope, key),
            status: 'in-progress',
            fingerprint,
            leaseUntilMs: nowMs + this.leaseMs,
            expiresAt: Math.floor(nowMs / 1000) + this.retentionSeconds,
          },
          // free, or (for the same request) of unknown outcome or with a lapsed lease
          ConditionExpression:
            'attribute_not_exists(pk) OR (fingerprint = :fingerprint AND (#status = :unknown OR (#status = :inProgress AND leaseUntilMs < :now)))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':inProgress': 'in-progress',
            ':unknown': 'outcome-unknown',
            ':fingerprint': fingerprint,
            ':now': nowMs,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = previous.Attributes?.status;
      return { kind: 'claimed', readBack: old === 'outcome-unknown' || old === 'in-progress' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.documents.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: this.keyOf(scope, key),
        ConsistentRead: true,
      }),
    );
    const item = existing.Item;
    if (item === undefined) return { kind: 'in-progress' };
    if (item.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (item.status === 'completed' && item.response !== undefined) {
      return { kind: 'completed', response: item.response as StoredResponse };
    }
    return { kind: 'in-progress' };
  }

  async complete(
    scope: string,
    key: string,
    response: StoredResponse,
    nowMs: number,
  ): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.keyOf(scope, key),
        UpdateExpression: 'SET #status = :completed, #response = :response, expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: {
          ':completed': 'completed',
          ':response': response,
          ':expiresAt': Math.floor(nowMs / 1000) + this.retentionSeconds,
        },
      }),
    );
  }

  async release(scope: string, key: string): Promise<void> {
    // deleted, not marked: a refused request leaves nothing behind
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: this.keyOf(scope, key),
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async peek(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const output = await this.documents.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: this.keyOf(scope, key),
        ConsistentRead: true,
      }),
    );
    return output.Item === undefined ? undefined : (recordOf(output.Item) ?? undefined);
  }

  async markUnknown(scope: string, key: string): Promise<void> {
    await this.setStatusIfInProgress(scope, key, 'outcome-unknown');
  }

  private async setStatusIfInProgress(
    scope: string,
    key: string,
    status: 'outcome-unknown',
  ): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: this.keyOf(scope, key),
          UpdateExpression: 'SET #status = :status',
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':inProgress': 'in-progress' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private keyOf(scope: string, key: string): { pk: string; sk: string } {
    return idempotencyKeyOf(this.options.region, scope, key);
  }
}
