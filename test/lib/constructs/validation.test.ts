import { Lazy, Stack } from 'aws-cdk-lib';
import { ConflictFeed } from '../../../lib/constructs/conflict-feed';
import { ConstructValidationError } from '../../../lib/constructs/validation';
import { testApp, TEST_ACCOUNT } from '../../helpers/app';

const PROPS = {
  appName: 'shop',
  tableName: 'shop-data',
  regions: ['us-east-1', 'eu-west-1'],
  primaryRegion: 'us-east-1',
};

function stackIn(region?: string): Stack {
  return new Stack(testApp(), 'Test', {
    env: { account: TEST_ACCOUNT, ...(region === undefined ? {} : { region }) },
  });
}

describe('construct-level checks', () => {
  test('GIVEN a bad prop THEN the error names the construct path and the bad value', () => {
    // WHEN
    let caught: unknown;
    try {
      new ConflictFeed(stackIn('eu-west-1'), 'Feed', { ...PROPS, batchSize: 0 });
    } catch (error) {
      caught = error;
    }
    // THEN
    expect(caught).toBeInstanceOf(ConstructValidationError);
    expect((caught as ConstructValidationError).constructPath).toBe('Test/Feed');
    expect((caught as Error).message).toBe(
      '[Test/Feed] conflict feed batch size must be an integer 1-10000, got 0',
    );
  });

  test('GIVEN a stack without a region THEN the Token guard says to set env.region', () => {
    expect(() => new ConflictFeed(stackIn(), 'Feed', PROPS)).toThrow(
      '[Test/Feed] conflict feed needs a stack with an explicit region; set env.region on the stack',
    );
  });

  test('GIVEN Tokens (known at deploy time) THEN the range checks are skipped', () => {
    const deployTime = Lazy.number({ produce: () => 0 });
    expect(
      () =>
        new ConflictFeed(stackIn('eu-west-1'), 'Feed', {
          ...PROPS,
          batchSize: deployTime,
          retryAttempts: deployTime,
        }),
    ).not.toThrow();
  });
});
