/**
 * API tokens, as the authorizer, `npm run api-token` and the local sandbox share them: JWTs
 * signed with HS256 by the app's own key (`<app>/api-token-key`, a Secrets Manager secret
 * replicated to every region). Unlike a SigV4 signature, which is scoped to one region and refused
 * by API Gateway in any other, a token verifies in whichever region the public name resolves to,
 * before, during and after a failover. Pure (node:crypto only): the authorizer verifies with it,
 * `npm run api-token` and the sandbox mint with it; the key secret's format is here too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SessionKey, SessionKeyring } from '../domain/session-token';

/** The longest lifetime a token may have; a longer-lived one is refused. */
export const MAX_TOKEN_TTL_SECONDS = 12 * 3600;

/** Clock skew tolerated between the minting machine and the authorizer. */
const CLOCK_SKEW_SECONDS = 60;

/** What a token says. */
export interface ApiTokenClaims {
  /** The app that issued it (`iss`). */
  readonly issuer: string;
  /** The public API name it is for (`aud`). */
  readonly audience: string;
  /** Who holds it (`sub`), e.g. a service or a person. */
  readonly subject: string;
  /** Issued at, epoch seconds (`iat`). */
  readonly issuedAt: number;
  /** Expires at, epoch seconds (`exp`). */
  readonly expiresAt: number;
}

/** Why a token was refused (the authorizer logs it; the client only gets 403). */
export type ApiTokenVerdict =
  | { readonly ok: true; readonly claims: ApiTokenClaims }
  | { readonly ok: false; readonly reason: string };

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function signatureOf(signingInput: string, key: SessionKey): Buffer {
  return createHmac('sha256', key.secret).update(signingInput).digest();
}

/** Mint a token signed with the keyring's signing key. */
export function mintApiToken(
  keyring: Pick<SessionKeyring, 'signing'>,
  claims: {
    readonly issuer: string;
    readonly audience: string;
    readonly subject: string;
    readonly ttlSeconds: number;
    readonly nowMs: number;
  },
): string {
  if (!/^[A-Za-z0-9_.:@/-]{1,128}$/.test(claims.subject)) {
    throw new Error(
      `token subject must be 1-128 of A-Z a-z 0-9 _ . : @ / -, got ${JSON.stringify(claims.subject)}`,
    );
  }
  if (
    !Number.isInteger(claims.ttlSeconds) ||
    claims.ttlSeconds < 60 ||
    claims.ttlSeconds > MAX_TOKEN_TTL_SECONDS
  ) {
    throw new Error(
      `token lifetime must be 60-${MAX_TOKEN_TTL_SECONDS} seconds, got ${claims.ttlSeconds}`,
    );
  }
  const issuedAt = Math.floor(claims.nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: keyring.signing.id }));
  const payload = base64url(
    JSON.stringify({
      iss: claims.issuer,
      aud: claims.audience,
      sub: claims.subject,
      iat: issuedAt,
      exp: issuedAt + claims.ttlSeconds,
    }),
  );
  const signingInput = `${header}.${payload}`;
  return `${signingInput}.${base64url(signatureOf(signingInput, keyring.signing))}`;
}

/** Verify a token (the `Authorization` header, with or without `Bearer `). */
export function verifyApiToken(
  authorization: string | undefined,
  keyring: SessionKeyring,
  expected: { readonly issuer: string; readonly audience: string; readonly nowMs: number },
): ApiTokenVerdict {
  if (authorization === undefined || authorization.trim() === '') {
    return { ok: false, reason: 'no Authorization header' };
  }
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT (three dot-separated parts)' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as typeof header;
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    return { ok: false, reason: 'header or payload is not base64url JSON' };
  }
  // Only HS256: "none" and asymmetric algorithms are refused, whatever the header says.
  if (header.alg !== 'HS256')
    return { ok: false, reason: `algorithm ${String(header.alg)} refused` };
  const key = [keyring.signing, ...(keyring.verifying ?? [])].find((k) => k.id === header.kid);
  if (key === undefined) return { ok: false, reason: `unknown key id ${String(header.kid)}` };
  const expectedSignature = signatureOf(`${headerPart}.${payloadPart}`, key);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expectedSignature.length || !timingSafeEqual(given, expectedSignature)) {
    return { ok: false, reason: 'bad signature' };
  }
  const { iss, aud, sub, iat, exp } = payload;
  if (iss !== expected.issuer) return { ok: false, reason: `issuer ${String(iss)} refused` };
  if (aud !== expected.audience) return { ok: false, reason: `audience ${String(aud)} refused` };
  if (typeof sub !== 'string' || sub === '') return { ok: false, reason: 'no subject' };
  if (typeof iat !== 'number' || typeof exp !== 'number') {
    return { ok: false, reason: 'iat and exp must be numbers' };
  }
  const now = Math.floor(expected.nowMs / 1000);
  if (exp <= now - CLOCK_SKEW_SECONDS) return { ok: false, reason: 'expired' };
  if (iat > now + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'issued in the future' };
  if (exp - iat > MAX_TOKEN_TTL_SECONDS) {
    return { ok: false, reason: `lifetime over ${MAX_TOKEN_TTL_SECONDS} seconds` };
  }
  return {
    ok: true,
    claims: { issuer: iss, audience: aud, subject: sub, issuedAt: iat, expiresAt: exp },
  };
}

export { keyringFromSecret } from '../domain/secret-keyring';
export type { SessionKey, SessionKeyring } from '../domain/session-token';
