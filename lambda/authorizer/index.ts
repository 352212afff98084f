/** Lambda entry of the API authorizer: reads this region's replica of the token key. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadSessionKeyring } from '../adapters/session-keyring';
import type { SessionKeyring } from '../domain/session-token';
import { requiredEnv } from '../handlers/env';
import { makeAuthorizer } from './handler';

/** A refresh after an unknown key id is allowed this often (a flood of forged ids costs nothing). */
const MIN_REFRESH_INTERVAL_MS = 60_000;

const secretId = requiredEnv(process.env, 'API_TOKEN_SECRET_ID');
const secrets = new SecretsManagerClient({ region: requiredEnv(process.env, 'AWS_REGION') });
let cached: { keyring: Promise<SessionKeyring>; at: number } | undefined;

export const handler = makeAuthorizer({
  keyring: ({ refresh }) => {
    const now = Date.now();
    if (cached === undefined || (refresh && now - cached.at > MIN_REFRESH_INTERVAL_MS)) {
      const keyring = loadSessionKeyring(secrets, secretId);
      cached = { keyring, at: now };
      keyring.catch(() => {
        cached = undefined;
      });
    }
    return cached.keyring;
  },
  issuer: requiredEnv(process.env, 'API_TOKEN_ISSUER'),
  audience: requiredEnv(process.env, 'API_TOKEN_AUDIENCE'),
  now: Date.now,
  log: (message, details) => console.log(JSON.stringify({ level: 'WARN', message, ...details })),
});
