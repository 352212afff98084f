/**
 * DynamoDB client settings for the functions. Every call is bounded: a connection that is not made
 * in time, or a request that gets no answer in time, fails with a TimeoutError the use cases turn
 * into the answer they document (e.g. 503 `session_unavailable`). Without `throwOnRequestTimeout`
 * the SDK only logs a warning when the request timeout passes and keeps waiting, so a partitioned
 * region would hold the request until the Lambda's own timeout.
 */
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface DynamoCallBounds {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  readonly connectionTimeoutMs: number;
  /** From sending the request to the end of the answer, per attempt. */
  readonly requestTimeoutMs: number;
}

/** The client configuration for `region` with calls bounded as `bounds` says. */
export function dynamoClientConfig(region: string, bounds: DynamoCallBounds): DynamoDBClientConfig {
  return {
    region,
    maxAttempts: bounds.maxAttempts,
    requestHandler: {
      connectionTimeout: bounds.connectionTimeoutMs,
      requestTimeout: bounds.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}
