import fc from 'fast-check';
import { hlcTimestamp } from '../../../lambda/domain/hlc';
import {
  decodeSessionToken,
  emptySession,
  encodeSessionToken,
  recordWrite,
  SessionTokenError,
  type SessionKeyring,
} from '../../../lambda/domain/session-token';
import { runs } from './support/fast-check';

const T0 = 1_700_000_000_000;
const KEYRING: SessionKeyring = {
  signing: { id: 'k2', secret: 'k2-secret-0123456789abcdef0123456789' },
};
const ROTATING: SessionKeyring = {
  signing: KEYRING.signing,
  verifying: [{ id: 'k1', secret: 'k1-secret-0123456789abcdef0123456789' }],
};

const session = recordWrite(
  recordWrite(emptySession(T0), hlcTimestamp(T0, 3, 'eu-west-1')),
  hlcTimestamp(T0 + 5, 0, 'us-east-1'),
  T0 + 5,
);
const token = encodeSessionToken(session, KEYRING);

function problemOf(candidate: unknown, keyring: SessionKeyring = KEYRING): string {
  try {
    decodeSessionToken(candidate, keyring);
  } catch (error) {
    expect(error).toBeInstanceOf(SessionTokenError);
    return (error as SessionTokenError).problem;
  }
  return 'accepted';
}

describe('session token', () => {
  it('round-trips the last write per region', () => {
    expect(token).toMatch(/^s1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(decodeSessionToken(token, KEYRING)).toEqual({
      lastWrites: {
        'eu-west-1': '2023-11-14T22:13:20.000Z-000003-eu-west-1',
        'us-east-1': '2023-11-14T22:13:20.005Z-000000-us-east-1',
      },
      issuedAtMs: T0 + 5,
    });
  });

  it('keeps only the latest write per region', () => {
    expect(recordWrite(session, hlcTimestamp(T0 - 1, 0, 'eu-west-1'))).toBe(session);
  });

  it('verifies tokens signed with an older key during a rotation', () => {
    const old = encodeSessionToken(session, {
      signing: { id: 'k1', secret: 'k1-secret-0123456789abcdef0123456789' },
    });
    expect(decodeSessionToken(old, ROTATING)).toEqual(session);
    expect(() => decodeSessionToken(old, KEYRING)).toThrow(
      'session token was signed with unknown key "k1"; it is older than the key rotation or forged, start a new session',
    );
  });

  it('rejects any single-character change (1,000 runs)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.nat({ max: alphabet.length - 1 }),
        (position, pick) => {
          const replacement = alphabet[pick] as string;
          fc.pre(token[position] !== replacement);
          const tampered = token.slice(0, position) + replacement + token.slice(position + 1);
          expect(problemOf(tampered)).not.toBe('accepted');
        },
      ),
      runs(1000),
    );
  });

  it('rejects every truncation', () => {
    for (let length = 0; length < token.length; length += 1) {
      expect(problemOf(token.slice(0, length))).not.toBe('accepted');
    }
  });

  it('rejects a token re-signed by someone without the key', () => {
    const [version, keyId, payload] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ w: {}, iat: T0 })).toString('base64url');
    expect(problemOf(`${version}.${keyId}.${forgedPayload}.${token.split('.')[3]}`)).toBe(
      'bad-signature',
    );
    expect(problemOf(`${version}.${keyId}.${payload}.${'A'.repeat(43)}`)).toBe('bad-signature');
  });

  it.each([
    [
      token.slice(0, 20),
      'session token must have 4 dot-separated parts (s1.<key>.<payload>.<signature>), got 3; it was truncated or altered, start a new session',
    ],
    [
      token.slice(0, -1),
      'session token signature does not match: the token was altered or truncated, or signed with another key; start a new session',
    ],
    [
      token.replace(/^s1\./, 's9.'),
      'session token version "s9" is not supported (expected s1); start a new session',
    ],
    ['', 'session token must be a non-empty string, got ""'],
    [42, 'session token must be a non-empty string, got 42'],
    [
      'x'.repeat(5000),
      'session token is 5000 characters, longer than 4096; drop it and start a new session',
    ],
  ])('explains why %j is rejected', (candidate, message) => {
    expect(() => decodeSessionToken(candidate, KEYRING)).toThrow(message);
  });

  it('expires tokens older than the limit', () => {
    expect(() =>
      decodeSessionToken(token, KEYRING, { nowMs: T0 + 60_005, maxAgeMs: 60_000 }),
    ).not.toThrow();
    expect(() =>
      decodeSessionToken(token, KEYRING, { nowMs: T0 + 60_006, maxAgeMs: 60_000 }),
    ).toThrow('session token is 60001 ms old, older than the 60000 ms limit; start a new session');
  });

  it('refuses short secrets', () => {
    expect(() => encodeSessionToken(session, { signing: { id: 'k', secret: 'short' } })).toThrow(
      'session key k is 5 bytes; use at least 32 random bytes',
    );
  });
});
