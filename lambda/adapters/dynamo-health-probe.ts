import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { drainFlagKey } from '../contract/naming';
import type { HealthProbe } from '../handlers/health';

export interface DynamoHealthProbeOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly region: string;
  /** Give up on the read after this many milliseconds. */
  readonly timeoutMs: number;
}

/** Reads the region's drain flag from the local replica with a hard timeout. */
export class DynamoHealthProbe implements HealthProbe {
  constructor(private readonly options: DynamoHealthProbeOptions) {}

  async readDrainFlag(): Promise<{ drained: boolean; reason?: string }> {
    const key = drainFlagKey(this.options.region);
    const output = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ProjectionExpression: 'drained, reason',
      }),
      { abortSignal: AbortSignal.timeout(this.options.timeoutMs) },
    );
    const drained = output.Item?.drained?.BOOL === true;
    const reason = output.Item?.reason?.S;
    return reason === undefined ? { drained } : { drained, reason };
  }
}
