import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConflictFeed, type ConflictFeedProps } from '../../../lib/constructs/conflict-feed';
import { testApp, TEST_ACCOUNT } from '../../helpers/app';

const PROPS: ConflictFeedProps = {
  appName: 'shop',
  tableName: 'shop-data',
  regions: ['us-east-1', 'eu-west-1'],
  primaryRegion: 'us-east-1',
};

function stackIn(region: string): Stack {
  const app = testApp();
  return new Stack(app, 'Test', { env: { account: TEST_ACCOUNT, region } });
}

describe('ConflictFeed', () => {
  // GIVEN a stack in a secondary region WHEN the feed is added with defaults
  let feed: ConflictFeed;
  let stack: Stack;
  let template: Template;
  let streamArn: unknown;
  beforeAll(() => {
    stack = stackIn('eu-west-1');
    feed = new ConflictFeed(stack, 'ConflictFeed', PROPS);
    template = Template.fromStack(stack);
    streamArn = stack.resolve(feed.streamArn);
  });

  test('looks up the local stream ARN with DescribeTable on create and on update', () => {
    const call = {
      service: 'DynamoDB',
      action: 'DescribeTable',
      parameters: { TableName: 'shop-data' },
      region: 'eu-west-1',
      physicalResourceId: { responsePath: 'Table.LatestStreamArn' },
      outputPaths: ['Table.LatestStreamArn'],
    };
    template.resourceCountIs('Custom::TableStreamArn', 1);
    const [lookup] = Object.values(template.findResources('Custom::TableStreamArn'));
    expect(JSON.parse(lookup?.Properties.Create as string)).toEqual(call);
    expect(JSON.parse(lookup?.Properties.Update as string)).toEqual(call);
    expect(lookup?.Properties.Delete).toBeUndefined();
    const [lookupId] = Object.keys(template.findResources('Custom::TableStreamArn'));
    expect(streamArn).toEqual({ 'Fn::GetAtt': [lookupId, 'Table.LatestStreamArn'] });
  });

  test('the lookup runs again on every deploy: its properties carry the deploy id', () => {
    // GIVEN two synths of the same feed with the deploy ids bin/app.ts would give them
    const propertiesWith = (deployId: string) => {
      const other = stackIn('eu-west-1');
      new ConflictFeed(other, 'ConflictFeed', { ...PROPS, deployId });
      const [lookup] = Object.values(
        Template.fromStack(other).findResources('Custom::TableStreamArn'),
      );
      return lookup?.Properties as Record<string, unknown>;
    };
    const first = propertiesWith('20250101T000000Z');
    const second = propertiesWith('20250102T000000Z');
    // THEN CloudFormation sees changed properties, sends Update, and the lookup reads the ARN
    expect(first.DeployId).toBe('20250101T000000Z');
    expect(second.DeployId).toBe('20250102T000000Z');
    expect({ ...first, DeployId: undefined }).toEqual({ ...second, DeployId: undefined });
    // and the mapping follows the looked-up ARN (a new ARN replaces the mapping)
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: streamArn,
    });
  });

  test('the lookup may only DescribeTable on the local table; its provider has no managed policy', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'dynamodb:DescribeTable',
            Effect: 'Allow',
            Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-data',
          },
        ],
      },
    });
    const roles = template.findResources('AWS::IAM::Role');
    expect(Object.keys(roles)).toHaveLength(2);
    for (const role of Object.values(roles)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('a mapping from the stream to the function: LATEST, batches of 100 within 1 s, one shard worker', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: streamArn,
      FunctionName: { Ref: stack.resolve(feed.function.functionName).Ref },
      StartingPosition: 'LATEST',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 1,
    });
  });

  test('failures: bisect, 5 retries, records older than 1 h dropped to the DLQ, per-item failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: stack.resolve(feed.deadLetterQueue.queueArn) },
      },
    });
  });

  test('filters: changes made in this region, any ledger account, or a heartbeat (exact patterns)', () => {
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const filters = (mapping?.Properties.FilterCriteria as { Filters: Array<{ Pattern: string }> })
      .Filters;
    expect(filters.map((filter) => filter.Pattern)).toEqual([
      '{"dynamodb":{"NewImage":{"region":{"S":["eu-west-1"]}}}}',
      '{"dynamodb":{"NewImage":{"type":{"S":["ledger-account"]}}}}',
      '{"dynamodb":{"NewImage":{"sk":{"S":[{"prefix":"heartbeat#"}]}}}}',
    ]);
  });

  test('the mapping is created after the role can read the stream', () => {
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const policyId = stack.getLogicalId(
      feed.function.role!.node.findChild('DefaultPolicy').node.defaultChild as never,
    );
    expect(mapping?.DependsOn).toContain(policyId);
  });

  test('the DLQ: encrypted, SSL only, 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });

  test('the function: stream.ts entry defaults, its own log group, the environment it needs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Active-active conflict feed (local replica stream)',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: {
        LogFormat: 'JSON',
        LogGroup: { Ref: Match.stringLikeRegexp('^ConflictFeedFunctionLogs') },
      },
      Environment: {
        Variables: {
          TABLE_NAME: 'shop-data',
          APP_REGIONS: 'us-east-1,eu-west-1',
          PRIMARY_REGION: 'us-east-1',
          APP_NAME: 'shop',
          POWERTOOLS_SERVICE_NAME: 'shop',
          POWERTOOLS_METRICS_NAMESPACE: 'ActiveActive',
        },
      },
    });
  });

  test('IAM of the function: exactly its logs, the stream, the local table and the DLQ', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.resolve((feed.function.role as { roleName: string }).roleName).Ref }],
      PolicyDocument: {
        Statement: Match.arrayEquals([
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: {
              'Fn::GetAtt': [Match.stringLikeRegexp('^ConflictFeedFunctionLogs'), 'Arn'],
            },
          },
          {
            Sid: 'ReadLocalStream',
            Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
            Effect: 'Allow',
            Resource: streamArn,
          },
          { Sid: 'ListStreams', Action: 'dynamodb:ListStreams', Effect: 'Allow', Resource: '*' },
          {
            Sid: 'LocalReplica',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'dynamodb:UpdateItem',
            ],
            Effect: 'Allow',
            Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-data',
          },
          {
            Sid: 'SendToDeadLetterQueue',
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Resource: stack.resolve(feed.deadLetterQueue.queueArn),
          },
        ]),
      },
    });
  });

  test('outputs: the stream ARN and the DLQ URL', () => {
    const outputs = template.findOutputs('*');
    const valueOf = (suffix: string) =>
      Object.entries(outputs).find(([id]) => id.startsWith(`ConflictFeed${suffix}`))?.[1].Value;
    expect(valueOf('StreamArn')).toEqual(streamArn);
    expect(valueOf('ConflictDlqUrl')).toEqual(stack.resolve(feed.deadLetterQueue.queueUrl));
  });
});

describe('ConflictFeed validation', () => {
  test.each<[Partial<ConflictFeedProps>, string]>([
    [{ batchSize: 0 }, 'conflict feed batch size must be an integer 1-10000, got 0'],
    [{ batchSize: 10_001 }, 'conflict feed batch size must be an integer 1-10000, got 10001'],
    [
      { maxBatchingWindow: Duration.minutes(6) },
      'conflict feed max batching window must be at most 300 seconds, got 360',
    ],
    [{ retryAttempts: -1 }, 'conflict feed retry attempts must be an integer 0-10000, got -1'],
    [
      { maxRecordAge: Duration.seconds(30) },
      'conflict feed max record age must be 60-604800 seconds (1 minute to 7 days), got 30',
    ],
    [
      { regions: ['us-east-1', 'ap-southeast-2'] },
      'conflict feed region eu-west-1 is not one of regions (us-east-1, ap-southeast-2); add it to regions',
    ],
  ])('rejects %p', (overrides, message) => {
    // GIVEN a stack in eu-west-1 WHEN a setting is out of range THEN the message names it
    expect(
      () => new ConflictFeed(stackIn('eu-west-1'), 'Feed', { ...PROPS, ...overrides }),
    ).toThrow(message);
  });

  test('rejects a stack without an explicit region', () => {
    const app = testApp();
    expect(() => new ConflictFeed(new Stack(app, 'Agnostic'), 'Feed', PROPS)).toThrow(
      'conflict feed needs a stack with an explicit region; set env.region on the stack',
    );
  });
});
