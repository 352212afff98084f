import {
  javaAvailable,
  SHARED_ENDPOINT_ENV,
  spawnDynamoLocal,
  type DynamoLocalProcess,
} from '../helpers/dynamodb-local';

/** Starts one DynamoDB Local for the whole integration run; workers inherit its endpoint. */
export default async function integrationGlobalSetup(): Promise<void> {
  if (!javaAvailable()) return; // the suites skip with a printed reason
  const local = await spawnDynamoLocal();
  process.env[SHARED_ENDPOINT_ENV] = local.endpoint;
  (globalThis as { aaDynamoLocal?: DynamoLocalProcess }).aaDynamoLocal = local;
}
