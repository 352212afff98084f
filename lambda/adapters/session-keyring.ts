import { createHash } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  MIN_SESSION_SECRET_BYTES,
  type SessionKey,
  type SessionKeyring,
} from '../domain/session-token';

/**
 * Reads the session-token keyring from Secrets Manager (the secret is replicated to every region,
 * so each region reads its local copy). The secret is either a plain random string, whose key id
 * is derived from it (a rotation changes the id, so old tokens are refused with a clear message),
 * or JSON `{"current": {"id", "secret"}, "previous": [{"id", "secret"}]}` for a planned rotation
 * that keeps accepting tokens signed with the previous key.
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

/** Parses the secret's text into a keyring. */
export function keyringFromSecret(text: string, secretId: string): SessionKeyring {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as { current?: SessionKey; previous?: SessionKey[] };
    if (parsed.current === undefined) {
      throw new Error(
        `secret ${secretId} is JSON without "current"; store {"current": {"id", "secret"}}`,
      );
    }
    return {
      signing: checked(parsed.current, secretId),
      verifying: (parsed.previous ?? []).map((key) => checked(key, secretId)),
    };
  }
  return {
    signing: checked(
      { id: createHash('sha256').update(trimmed).digest('hex').slice(0, 8), secret: trimmed },
      secretId,
    ),
  };
}

function checked(key: SessionKey, secretId: string): SessionKey {
  if (typeof key.id !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(key.id)) {
    throw new Error(`secret ${secretId} has a key id that is not 1-32 letters, digits, _ or -`);
  }
  const bytes = typeof key.secret === 'string' ? Buffer.byteLength(key.secret) : key.secret.length;
  if (bytes < MIN_SESSION_SECRET_BYTES) {
    throw new Error(
      `secret ${secretId} key ${key.id} is ${bytes} bytes; use at least ${MIN_SESSION_SECRET_BYTES}`,
    );
  }
  return key;
}
