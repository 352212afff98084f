import { createHmac } from 'node:crypto';
import { makeAuthorizer, type AuthorizerDeps } from '../../../lambda/authorizer/handler';
import { mintApiToken, verifyApiToken } from '../../../lambda/contract/api-token';
import type { SessionKeyring } from '../../../lambda/domain/session-token';

const KEY = { id: 'k1', secret: 'k'.repeat(48) };
const OLD = { id: 'k0', secret: 'o'.repeat(48) };
const KEYRING: SessionKeyring = { signing: KEY, verifying: [OLD] };
const NOW = 1_700_000_000_000;
const EXPECTED = { issuer: 'shop', audience: 'api.shop.example', nowMs: NOW };

function mint(overrides: Partial<Parameters<typeof mintApiToken>[1]> = {}, keyring = KEYRING) {
  return mintApiToken(keyring, {
    issuer: 'shop',
    audience: 'api.shop.example',
    subject: 'ci-bot',
    ttlSeconds: 3600,
    nowMs: NOW,
    ...overrides,
  });
}

describe('API tokens', () => {
  test('a minted token verifies, with or without "Bearer ", in any region holding the key', () => {
    const token = mint();
    for (const header of [token, `Bearer ${token}`, `bearer ${token}`]) {
      expect(verifyApiToken(header, KEYRING, EXPECTED)).toEqual({
        ok: true,
        claims: {
          issuer: 'shop',
          audience: 'api.shop.example',
          subject: 'ci-bot',
          issuedAt: NOW / 1000,
          expiresAt: NOW / 1000 + 3600,
        },
      });
    }
  });

  test('is a standard HS256 JWT (any JWT library can mint one)', () => {
    const [header, payload, signature] = mint().split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
      kid: 'k1',
    });
    expect(signature).toBe(
      createHmac('sha256', KEY.secret).update(`${header}.${payload}`).digest('base64url'),
    );
  });

  test('a token signed with the previous key still verifies during a rotation', () => {
    const token = mint({}, { signing: OLD });
    expect(verifyApiToken(token, KEYRING, EXPECTED).ok).toBe(true);
  });

  test.each([
    ['no header', undefined, 'no Authorization header'],
    [
      'a SigV4 header',
      'AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/execute-api/aws4_request',
      'not a JWT (three dot-separated parts)',
    ],
    [
      'another audience',
      mint({ audience: 'api.other.example' }),
      'audience api.other.example refused',
    ],
    ['another issuer', mint({ issuer: 'other' }), 'issuer other refused'],
    ['an expired token', mint({ nowMs: NOW - 3 * 3600 * 1000 }), 'expired'],
    [
      'an unknown key',
      mint({}, { signing: { id: 'k9', secret: 'x'.repeat(48) } }),
      'unknown key id k9',
    ],
  ])('refuses %s', (_, header, reason) => {
    expect(verifyApiToken(header, KEYRING, EXPECTED)).toEqual({ ok: false, reason });
  });

  test('refuses a forged signature and alg "none"', () => {
    const [header, payload] = mint().split('.') as [string, string, string];
    expect(verifyApiToken(`${header}.${payload}.AAAA`, KEYRING, EXPECTED)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url');
    expect(verifyApiToken(`${none}.${payload}.`, KEYRING, EXPECTED)).toEqual({
      ok: false,
      reason: 'algorithm none refused',
    });
  });

  test('minting names a bad subject or lifetime', () => {
    expect(() => mint({ subject: 'has space' })).toThrow(
      'token subject must be 1-128 of A-Z a-z 0-9 _ . : @ / -, got "has space"',
    );
    expect(() => mint({ ttlSeconds: 13 * 3600 })).toThrow(
      'token lifetime must be 60-43200 seconds, got 46800',
    );
  });
});

describe('the authorizer', () => {
  function authorizer(keyrings: SessionKeyring[]) {
    const refreshes: boolean[] = [];
    const refused: unknown[] = [];
    const deps: AuthorizerDeps = {
      keyring: async ({ refresh }) => {
        refreshes.push(refresh);
        return keyrings[Math.min(refreshes.length - 1, keyrings.length - 1)]!;
      },
      issuer: 'shop',
      audience: 'api.shop.example',
      now: () => NOW,
      log: (_, details) => refused.push(details.reason),
    };
    return { handle: makeAuthorizer(deps), refreshes, refused };
  }

  test('allows a valid token and passes the subject on', async () => {
    const { handle } = authorizer([KEYRING]);
    await expect(handle({ headers: { authorization: `Bearer ${mint()}` } })).resolves.toEqual({
      isAuthorized: true,
      context: { subject: 'ci-bot' },
    });
  });

  test('denies without saying why to the client, and logs the reason', async () => {
    const { handle, refused } = authorizer([KEYRING]);
    await expect(handle({ headers: {} })).resolves.toEqual({ isAuthorized: false });
    expect(refused).toEqual(['no Authorization header']);
  });

  test('reads the key again once when a token names a key it does not know (a rotation)', async () => {
    const rotated = { id: 'k2', secret: 'n'.repeat(48) };
    const { handle, refreshes } = authorizer([KEYRING, { signing: rotated, verifying: [KEY] }]);
    const token = mint({}, { signing: rotated });
    await expect(handle({ headers: { Authorization: token } })).resolves.toMatchObject({
      isAuthorized: true,
    });
    expect(refreshes).toEqual([false, true]);
  });
});
