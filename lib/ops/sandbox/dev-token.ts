/**
 * The sandbox's development token: an API token every region's authorizer accepts, minted as
 * `npm run api-token` mints one, with the token key the sandbox generated for this run (so it is
 * worthless anywhere else), for the longest lifetime a token may have.
 */
import {
  keyringFromSecret,
  MAX_TOKEN_TTL_SECONDS,
  mintApiToken,
} from '../../../lambda/contract/api-token';
import type { SandboxDeployment } from './deployment';

/** The token and when it expires. */
export interface DevelopmentToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** Mint the token with the key secret the region stacks' authorizer reads. */
export function developmentToken(options: {
  readonly deployment: SandboxDeployment;
  /** The secrets' generated values, by name. */
  secretValue(name: string): string | undefined;
  /** Issuer and audience when the templates do not name them. */
  readonly appName: string;
  readonly publicName: string;
  readonly nowMs: number;
}): DevelopmentToken {
  const environment = options.deployment.regionSpecs[0]?.functions.authorizer?.environment ?? {};
  const secretId = environment.API_TOKEN_SECRET_ID ?? `${options.appName}/api-token-key`;
  const secret = options.secretValue(secretId);
  if (secret === undefined) throw new Error(`the templates declare no secret ${secretId}`);
  const token = mintApiToken(keyringFromSecret(secret, secretId), {
    issuer: environment.API_TOKEN_ISSUER ?? options.appName,
    audience: environment.API_TOKEN_AUDIENCE ?? options.publicName,
    subject: 'sandbox-developer',
    ttlSeconds: MAX_TOKEN_TTL_SECONDS,
    nowMs: options.nowMs,
  });
  return { token, expiresAt: new Date(options.nowMs + MAX_TOKEN_TTL_SECONDS * 1000) };
}
