import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { FeedDeps } from '../../../lambda/app/conflict-feed';
import { APP_METRICS } from '../../../lambda/contract/metrics';
import { makeStreamHandler } from '../../../lambda/handlers/stream';

/** A replicated heartbeat from us-east-1 (the feed measures its lag, then records it). */
function heartbeat(sequenceNumber: string): DynamoDBRecord {
  return {
    eventID: `e-${sequenceNumber}`,
    eventName: 'MODIFY',
    dynamodb: {
      SequenceNumber: sequenceNumber,
      ApproximateCreationDateTime: 3,
      NewImage: marshall({
        pk: '__control__',
        sk: 'heartbeat#us-east-1',
        writer: 'us-east-1',
        sentAtMs: 1_500,
      }) as never,
    },
  };
}

describe('conflict feed failed records', () => {
  // batchItemFailures keep Lambda's Errors metric at 0, so the feed counts failed records itself
  function run(recordLag: FeedDeps['recordLag']) {
    const published: Array<{ name: string; value: number }> = [];
    const deps: FeedDeps = {
      region: 'eu-west-1',
      primaryRegion: 'us-east-1',
      replica: {} as FeedDeps['replica'], // heartbeats never touch the replica port
      now: () => 10_000,
      metric: (name, value) => published.push({ name, value }),
      recordLag,
    };
    return { handler: makeStreamHandler(deps, () => undefined), published };
  }

  test('a failing record and the rest of its batch are reported and counted', async () => {
    const { handler, published } = run(() => Promise.reject(new Error('throttled')));
    const result = await handler({ Records: [heartbeat('1'), heartbeat('2')] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '2' }]);
    expect(published).toContainEqual({
      name: APP_METRICS.conflictFeedFailedRecords.name,
      value: 2,
    });
  });

  test('a clean batch publishes 0, so the alarm has data', async () => {
    const { handler, published } = run(() => Promise.resolve());
    await handler({ Records: [heartbeat('1')] });
    expect(published).toContainEqual({ name: 'ConflictFeedFailedRecords', value: 0 });
  });
});
