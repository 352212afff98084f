/**
 * Creating what the data stack deploys, in every region's DynamoDB Local database: the table as
 * the template declares it, the items its custom resources put, and the secrets (random values,
 * replicated to the regions the template lists).
 */
import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  PutItemCommand,
  ResourceInUseException,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { SandboxDeployment, SecretSpec, SeedItem, TableSpec } from './deployment';

/** Create the table in one region (a table that already exists is kept). */
export async function createTable(client: DynamoDBClient, table: TableSpec): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: table.attributeDefinitions.map((definition) => ({
          AttributeName: definition.AttributeName,
          AttributeType: definition.AttributeType as 'S' | 'N' | 'B',
        })),
        KeySchema: table.keySchema.map((key) => ({
          AttributeName: key.AttributeName,
          KeyType: key.KeyType as 'HASH' | 'RANGE',
        })),
        ...(table.globalSecondaryIndexes.length === 0
          ? {}
          : {
              GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
                IndexName: index.IndexName,
                KeySchema: index.KeySchema.map((key) => ({
                  AttributeName: key.AttributeName,
                  KeyType: key.KeyType as 'HASH' | 'RANGE',
                })),
                Projection: {
                  ProjectionType: index.Projection.ProjectionType as
                    'ALL' | 'KEYS_ONLY' | 'INCLUDE',
                  ...(index.Projection.NonKeyAttributes === undefined
                    ? {}
                    : { NonKeyAttributes: index.Projection.NonKeyAttributes }),
                },
              })),
            }),
        StreamSpecification: {
          StreamEnabled: true,
          StreamViewType: table.streamViewType as 'NEW_AND_OLD_IMAGES',
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Put one custom resource's item. */
export async function putSeedItem(client: DynamoDBClient, seed: SeedItem): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: seed.tableName,
      Item: seed.item as Record<string, AttributeValue>,
    }),
  );
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A secret value as `GenerateSecretString` would make it (letters and digits). */
export function generateSecret(spec: Pick<SecretSpec, 'length'>): string {
  const bytes = randomBytes(spec.length);
  return [...bytes].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

/** A secret of the deployment with its generated value. */
export interface GeneratedSecret {
  readonly spec: SecretSpec;
  readonly value: string;
}

/**
 * What the data stack deploys, in every region's database: the table, then the items its custom
 * resources put (each in its own region); and a value for every secret. Resolves with the secrets
 * by name.
 */
export async function provisionData(
  clientOf: (region: string) => DynamoDBClient | undefined,
  deployment: Pick<SandboxDeployment, 'table' | 'seedItems' | 'secrets'>,
): Promise<Map<string, GeneratedSecret>> {
  await Promise.all(
    deployment.table.regions.map(async (region) => {
      const client = clientOf(region);
      if (client !== undefined) await createTable(client, deployment.table);
    }),
  );
  for (const seed of deployment.seedItems) {
    const client = clientOf(seed.region);
    if (client !== undefined) await putSeedItem(client, seed);
  }
  return new Map(
    deployment.secrets.map((spec) => [spec.name, { spec, value: generateSecret(spec) }]),
  );
}
