/**
 * The operator's entry for API tokens (`npm run api-token` runs it with the operator's
 * credentials): read the app's token key from this region's Secrets Manager replica, as the
 * authorizer does, and mint a token with it.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadSessionKeyring } from '../adapters/session-keyring';
import { mintApiToken } from '../contract/api-token';

/** Mint a token signed with the key in `secretId`; who may read the secret may mint. */
export async function mintApiTokenFromSecret(options: {
  readonly client: SecretsManagerClient;
  readonly secretId: string;
  readonly issuer: string;
  readonly audience: string;
  readonly subject: string;
  readonly ttlSeconds: number;
  readonly nowMs: number;
}): Promise<string> {
  const { client, secretId, ...claims } = options;
  return mintApiToken(await loadSessionKeyring(client, secretId), claims);
}
