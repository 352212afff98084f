import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { keyringFromSecret, verifyApiToken } from '../../../lambda/contract/api-token';
import { mintApiTokenFromSecret } from '../../../lambda/operator/api-token';

describe('the operator mints API tokens with the key the authorizer reads', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());

  test('GIVEN the token key in Secrets Manager WHEN npm run api-token mints THEN the authorizer verifies the token', async () => {
    const secret = 'k'.repeat(48);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secret });
    const nowMs = 1_700_000_000_000;
    const token = await mintApiTokenFromSecret({
      client: new SecretsManagerClient({ region: 'eu-west-1' }),
      secretId: 'shop/api-token-key',
      issuer: 'shop',
      audience: 'api.shop.example',
      subject: 'ci-bot',
      ttlSeconds: 3600,
      nowMs,
    });
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'shop/api-token-key',
    });
    const verdict = verifyApiToken(token, keyringFromSecret(secret, 'shop/api-token-key'), {
      issuer: 'shop',
      audience: 'api.shop.example',
      nowMs,
    });
    expect(verdict).toMatchObject({ ok: true, claims: { subject: 'ci-bot' } });
  });
});
