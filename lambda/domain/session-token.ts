/**
 * Session tokens for read-your-writes: the caller's last-write HLC per region, signed with an HMAC
 * key so a client cannot forge a watermark (which would force every read to the home region) or
 * hide one. Format: `s1.<keyId>.<payload>.<signature>`, base64url, where the payload is
 * `{"w":{"<region>":"<hlc>"},"iat":<ms>}` and the signature is HMAC-SHA256 over everything before
 * the last dot. Several verifying keys allow rotation: sign with the new key, verify with both.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { compareHlc, formatHlc, parseHlc, type HlcTimestamp } from './hlc';
import { assertRegionId, describeValue, expectCount, expectObject } from './json';

/** Version prefix of tokens this code writes. */
const SESSION_TOKEN_VERSION = 's1';

/** Longest token accepted: a few dozen regions fit comfortably; anything longer is not ours. */
const MAX_SESSION_TOKEN_LENGTH = 4096;

/** Shortest HMAC secret accepted, in bytes. */
export const MIN_SESSION_SECRET_BYTES = 32;

/** What a session token carries. */
export interface SessionState {
  /** Per region, the HLC string of the caller's last write acknowledged there. */
  readonly lastWrites: Readonly<Record<string, string>>;
  /** When the token was issued (epoch ms). */
  readonly issuedAtMs: number;
}

/** One HMAC key. */
export interface SessionKey {
  /** Short id written into tokens, so verification picks the right key after a rotation. */
  readonly id: string;
  /** The secret: at least 32 random bytes (a string is used as UTF-8). */
  readonly secret: string | Uint8Array;
}

/** Keys for signing and verifying. */
export interface SessionKeyring {
  /** Key that signs new tokens (also verifies). */
  readonly signing: SessionKey;
  /** Older keys still accepted during a rotation. @default - none */
  readonly verifying?: readonly SessionKey[];
}

/** Why a token was refused. */
export type SessionTokenProblem =
  'malformed' | 'unsupported-version' | 'unknown-key' | 'bad-signature' | 'bad-payload' | 'expired';

/** A session token was refused; the message says why and what to do. */
export class SessionTokenError extends Error {
  constructor(
    readonly problem: SessionTokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'SessionTokenError';
  }
}

/** A session with no writes yet. */
export function emptySession(nowMs: number): SessionState {
  return { lastWrites: {}, issuedAtMs: Math.floor(nowMs) };
}

/** The session after a write acknowledged with stamp `hlc` (in region `hlc.region`). */
export function recordWrite(
  session: SessionState,
  hlc: HlcTimestamp,
  nowMs?: number,
): SessionState {
  const previous = session.lastWrites[hlc.region];
  if (previous !== undefined && compareHlc(parseHlc(previous), hlc) >= 0) {
    return session;
  }
  return {
    lastWrites: { ...session.lastWrites, [hlc.region]: formatHlc(hlc) },
    issuedAtMs: nowMs === undefined ? session.issuedAtMs : Math.floor(nowMs),
  };
}

/** Signs `session` with the keyring's signing key. */
export function encodeSessionToken(session: SessionState, keyring: SessionKeyring): string {
  const key = checkedKey(keyring.signing);
  const regions = Object.keys(session.lastWrites).sort();
  const payload = {
    w: Object.fromEntries(regions.map((region) => [region, session.lastWrites[region] as string])),
    iat: session.issuedAtMs,
  };
  const body = `${SESSION_TOKEN_VERSION}.${key.id}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${signatureOf(body, key)}`;
}

/** Options of `decodeSessionToken`. */
export interface DecodeSessionOptions {
  /** Current time (epoch ms), for the age check. @default Date.now() */
  readonly nowMs?: number;
  /** Oldest token accepted. @default - no limit */
  readonly maxAgeMs?: number;
}

/**
 * Verifies and reads a token. Throws `SessionTokenError` when it is malformed, truncated, of an
 * unknown version or key, altered (signature mismatch) or too old; never returns a state it did
 * not sign.
 */
export function decodeSessionToken(
  token: unknown,
  keyring: SessionKeyring,
  options: DecodeSessionOptions = {},
): SessionState {
  if (typeof token !== 'string' || token.length === 0) {
    throw new SessionTokenError(
      'malformed',
      `session token must be a non-empty string, got ${describeValue(token)}`,
    );
  }
  if (token.length > MAX_SESSION_TOKEN_LENGTH) {
    throw new SessionTokenError(
      'malformed',
      `session token is ${token.length} characters, longer than ${MAX_SESSION_TOKEN_LENGTH}; drop it and start a new session`,
    );
  }
  const parts = token.split('.');
  if (parts.length !== 4) {
    throw new SessionTokenError(
      'malformed',
      `session token must have 4 dot-separated parts (${SESSION_TOKEN_VERSION}.<key>.<payload>.<signature>), got ${parts.length}; it was truncated or altered, start a new session`,
    );
  }
  const [version, keyId, payload, signature] = parts as [string, string, string, string];
  if (version !== SESSION_TOKEN_VERSION) {
    throw new SessionTokenError(
      'unsupported-version',
      `session token version ${describeValue(version)} is not supported (expected ${SESSION_TOKEN_VERSION}); start a new session`,
    );
  }
  const key = [keyring.signing, ...(keyring.verifying ?? [])].find(
    (candidate) => candidate.id === keyId,
  );
  if (key === undefined) {
    throw new SessionTokenError(
      'unknown-key',
      `session token was signed with unknown key ${describeValue(keyId)}; it is older than the key rotation or forged, start a new session`,
    );
  }
  // Compare the base64url text, not decoded bytes: a different spelling of the same bytes is
  // still an altered token.
  const expected = Buffer.from(signatureOf(`${version}.${keyId}.${payload}`, checkedKey(key)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SessionTokenError(
      'bad-signature',
      'session token signature does not match: the token was altered or truncated, or signed with another key; start a new session',
    );
  }
  const session = parsePayload(payload);
  if (options.maxAgeMs !== undefined) {
    const age = (options.nowMs ?? Date.now()) - session.issuedAtMs;
    if (age > options.maxAgeMs) {
      throw new SessionTokenError(
        'expired',
        `session token is ${age} ms old, older than the ${options.maxAgeMs} ms limit; start a new session`,
      );
    }
  }
  return session;
}

function parsePayload(payload: string): SessionState {
  try {
    const object = expectObject(
      JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
      'payload',
    );
    const lastWrites: Record<string, string> = {};
    for (const [region, stamp] of Object.entries(expectObject(object.w, 'payload.w'))) {
      assertRegionId(region, 'payload region');
      const hlc = parseHlc(stamp);
      if (hlc.region !== region) {
        throw new Error(`payload stamp ${String(stamp)} is filed under region ${region}`);
      }
      lastWrites[region] = formatHlc(hlc);
    }
    return { lastWrites, issuedAtMs: expectCount(object.iat, 'payload.iat') };
  } catch (error) {
    throw new SessionTokenError(
      'bad-payload',
      `session token payload is invalid (${(error as Error).message}); start a new session`,
    );
  }
}

function signatureOf(body: string, key: SessionKey): string {
  return createHmac('sha256', key.secret).update(body).digest('base64url');
}

function checkedKey(key: SessionKey): SessionKey {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(key.id)) {
    throw new Error(
      `session key id must be 1-32 letters, digits, _ or -, got ${describeValue(key.id)}`,
    );
  }
  const length = typeof key.secret === 'string' ? Buffer.byteLength(key.secret) : key.secret.length;
  if (length < MIN_SESSION_SECRET_BYTES) {
    throw new Error(
      `session key ${key.id} is ${length} bytes; use at least ${MIN_SESSION_SECRET_BYTES} random bytes`,
    );
  }
  return key;
}
