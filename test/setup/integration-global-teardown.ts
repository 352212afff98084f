import type { DynamoLocalProcess } from '../helpers/dynamodb-local';

/** Stops the integration run's DynamoDB Local. */
export default async function integrationGlobalTeardown(): Promise<void> {
  await (globalThis as { aaDynamoLocal?: DynamoLocalProcess }).aaDynamoLocal?.stop();
}
