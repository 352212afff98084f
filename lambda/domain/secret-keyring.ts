/**
 * The text of a signing-key secret (`<app>/session-key`, `<app>/api-token-key`) read as a keyring:
 * either a plain random string, whose key id is derived from it (a rotation changes the id, so old
 * tokens are refused with a clear message), or JSON `{"current": {"id", "secret"}, "previous":
 * [{"id", "secret"}]}` for a planned rotation that keeps accepting tokens signed with the previous
 * key. Pure: the adapter reads the text from Secrets Manager, the sandbox generates it.
 */
import { createHash } from 'node:crypto';
import { MIN_SESSION_SECRET_BYTES, type SessionKey, type SessionKeyring } from './session-token';

/** Parses the secret's text into a keyring; `secretId` names the secret in errors. */
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
