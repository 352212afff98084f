/** Lambda entry of the API authorizer: reads this region's replica of the token key. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { consoleLog } from '../adapters/console-log';
import { loadSessionKeyring } from '../adapters/session-keyring';
import { parseEnvironment } from '../contract/environment';
import type { SessionKeyring } from '../domain/session-token';
import { makeAuthorizer } from './handler';

/** A refresh after an unknown key id is allowed this often (a flood of forged ids costs nothing). */
const MIN_REFRESH_INTERVAL_MS = 60_000;

const { region, tokenSecretId, issuer, audience } = parseEnvironment('authorizer', process.env);
const secrets = new SecretsManagerClient({ region });
let cached: { keyring: Promise<SessionKeyring>; at: number } | undefined;

export const handler = makeAuthorizer({
  keyring: ({ refresh }) => {
    const now = Date.now();
    if (cached === undefined || (refresh && now - cached.at > MIN_REFRESH_INTERVAL_MS)) {
      const keyring = loadSessionKeyring(secrets, tokenSecretId);
      cached = { keyring, at: now };
      keyring.catch(() => {
        cached = undefined;
      });
    }
    return cached.keyring;
  },
  issuer,
  audience,
  now: Date.now,
  log: consoleLog.warn,
});
