/**
 * Conflict feed: the DynamoDB Streams consumer of one region (see lambda/app/conflict-feed.ts for
 * what it does and why nothing is counted twice). Reports batch item failures so a retry resumes at
 * the failed record.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoReplica } from '../adapters/dynamo-replica';
import { powertoolsObservability } from '../adapters/observability';
import { writeLag } from '../adapters/replication-lag';
import { processBatch, type FeedDeps, type StreamChange } from '../app/conflict-feed';
import { parseEnvironment } from '../contract/environment';
import { APP_METRICS } from '../contract/metrics';

/** Turns a stream record into a change with plain images. */
export function changeOf(record: DynamoDBRecord): StreamChange {
  const stream = record.dynamodb ?? {};
  const image = stream.NewImage as Record<string, AttributeValue> | undefined;
  return {
    sequenceNumber: stream.SequenceNumber ?? record.eventID ?? '',
    eventName: (record.eventName ?? 'MODIFY') as StreamChange['eventName'],
    ...(image === undefined ? {} : { newImage: unmarshall(image) }),
    ...(stream.ApproximateCreationDateTime === undefined
      ? {}
      : { approximateCreationMs: stream.ApproximateCreationDateTime * 1000 }),
  };
}

/** Builds the consumer from its dependencies. */
export function makeStreamHandler(
  deps: FeedDeps,
  log: (message: string, details: Record<string, unknown>) => void,
  flush: () => void = () => undefined,
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  return async (event) => {
    try {
      const { failures } = await processBatch(event.Records.map(changeOf), deps, (change, error) =>
        log('conflict feed failed on a record; the batch resumes there', {
          sequenceNumber: change.sequenceNumber,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      );
      // batchItemFailures keep Lambda's Errors at 0: this count is what the alarm watches
      deps.metric(APP_METRICS.conflictFeedFailedRecords.name, failures.length, 'Count');
      return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
    } finally {
      flush();
    }
  };
}

function productionHandler() {
  const { region, primaryRegion, tableName, appName } = parseEnvironment(
    'conflict feed',
    process.env,
  );
  const client = new DynamoDBClient({ region });
  const documents = DynamoDBDocumentClient.from(client);
  const observability = powertoolsObservability({ appName, region });
  return makeStreamHandler(
    {
      region,
      primaryRegion,
      replica: new DynamoReplica({ client, tableName, region }),
      now: Date.now,
      metric: observability.metric,
      recordLag: (origin, lagMs, measuredAtMs) =>
        writeLag({ documents, tableName, region, origin, lagMs, measuredAtMs }),
    },
    (message, details) => observability.log.error(message, details),
    observability.flush,
  );
}

let cached: ((event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>) | undefined;

/** Lambda entry point. */
export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  cached ??= productionHandler();
  return cached(event);
};
