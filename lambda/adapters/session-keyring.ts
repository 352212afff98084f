import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { keyringFromSecret } from '../domain/secret-keyring';
import type { SessionKeyring } from '../domain/session-token';

export { keyringFromSecret };

/**
 * Reads a signing keyring from Secrets Manager (the secret is replicated to every region, so each
 * region reads its local copy); the secret's formats are in ../domain/secret-keyring.ts.
 */
export async function loadSessionKeyring(
  client: SecretsManagerClient,
  secretId: string,
): Promise<SessionKeyring> {
  const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (output.SecretString === undefined) {
    throw new Error(`secret ${secretId} has no string value; store the session key as text`);
  }
  return keyringFromSecret(output.SecretString, secretId);
}
