/**
 * Idempotency keys on the global table: one item per (scope, region, key), claimed with a
 * conditional put, so concurrent retries in one region produce exactly one effect. Each region
 * writes only its own records (the region is part of the sort key); a retry sent to another region
 * before the first region's record has replicated can run again — see docs/api.md.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../app/ports';

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
  private readonly documents: DynamoDBDocumentClient;
  private readonly leaseMs: number;
  private readonly retentionSeconds: number;

  constructor(private readonly options: DynamoIdempotencyOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.leaseMs = options.leaseMs ?? 30_000;
    this.retentionSeconds = options.retentionSeconds ?? 24 * 60 * 60;
  }

  async begin(
    scope: string,
    key: string,
    fingerprint: string,
    nowMs: number,
  ): Promise<IdempotencyClaim> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...this.keyOf(scope, key),
            status: 'in-progress',
            fingerprint,
            leaseUntilMs: nowMs + this.leaseMs,
            expiresAt: Math.floor(nowMs / 1000) + this.retentionSeconds,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntilMs < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': nowMs },
        }),
      );
      return { kind: 'claimed' };
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

  private keyOf(scope: string, key: string): { pk: string; sk: string } {
    return { pk: `I#${scope}`, sk: `${this.options.region}#${key}` };
  }
}
