import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, testConfig } from '../../helpers/app';

describe('DataStack', () => {
  // GIVEN the default three-region config WHEN the app is synthesized
  let template: Template;
  let region: string;
  beforeAll(() => {
    const { stacks } = buildTestApp(
      testConfig({
        observability: {
          criticalEntities: [{ tenant: 'bank', type: 'ledger-account', id: 'float' }],
        },
      }),
    );
    template = Template.fromStack(stacks.data);
    region = stacks.data.region;
  });

  test('lives in the primary region', () => {
    expect(region).toBe('us-east-1');
  });

  test('writes the critical entities into the observability config item (not a Lambda environment)', () => {
    const [writer] = Object.values(template.findResources('Custom::ObservabilityConfig'));
    // the call names the table by reference (so the item is written after the table exists)
    const callOf = (property: unknown) =>
      JSON.parse(
        (property as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
          .map((part) => (typeof part === 'string' ? part : 'TABLE'))
          .join(''),
      ) as Record<string, unknown>;
    expect(callOf(writer?.Properties.Update)).toMatchObject({
      service: 'DynamoDB',
      action: 'PutItem',
      parameters: {
        TableName: 'TABLE',
        Item: {
          pk: { S: '__control__' },
          sk: { S: 'config#observability' },
          criticalEntities: { S: '[{"tenant":"bank","type":"ledger-account","id":"float"}]' },
        },
      },
    });
    expect(callOf(writer?.Properties.Delete)).toMatchObject({
      action: 'DeleteItem',
    });
    // only the control partition of the table
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
            Condition: {
              'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['__control__'] },
            },
          }),
        ],
      },
    });
  });

  test('holds exactly one global table with the configured name, pk/sk strings, on demand', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'active-active-data',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  test('has the sparse open-cases index gsi1 (gsi1pk/gsi1sk strings, all attributes)', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  test('holds the session key and the API token key: generated, replicated to every other region', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    for (const name of ['active-active/session-key', 'active-active/api-token-key']) {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: name,
        GenerateSecretString: {
          PasswordLength: Match.anyValue(),
          ExcludePunctuation: true,
          IncludeSpace: false,
          SecretStringTemplate: Match.absent(),
        },
        ReplicaRegions: [{ Region: 'eu-west-1' }, { Region: 'ap-southeast-2' }],
      });
    }
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) {
      const length = (secret.Properties.GenerateSecretString as { PasswordLength: number })
        .PasswordLength;
      expect(length).toBeGreaterThanOrEqual(48);
    }
  });

  test('is retained when removed from the stack', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('has a replica in every region, each with PITR and deletion protection', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    const replicas = table?.Properties.Replicas as Array<Record<string, unknown>>;
    expect(replicas.map((replica) => replica.Region).sort()).toEqual(
      ['ap-southeast-2', 'eu-west-1', 'us-east-1'].sort(),
    );
    for (const replica of replicas) {
      expect(replica).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
  });

  test('uses eventual multi-region consistency unless config asks for strong', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    expect(table?.Properties.MultiRegionConsistency ?? 'EVENTUAL').toBe('EVENTUAL');
  });
});

describe('DataStack with multi-region strong consistency', () => {
  test('sets MultiRegionConsistency STRONG for three regions of one set', () => {
    // GIVEN three US regions and MRSC requested
    const config = testConfig({
      regions: ['us-east-1', 'us-east-2', 'us-west-2'],
      primaryRegion: 'us-east-1',
      multiRegionStrongConsistency: true,
    });
    // WHEN synthesized
    const template = Template.fromStack(buildTestApp(config).stacks.data);
    // THEN the table is MRSC with three replicas
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      MultiRegionConsistency: 'STRONG',
    });
  });
});
