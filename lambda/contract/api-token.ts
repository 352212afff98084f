/**
 * The API token as the authorizer, `npm run api-token` and the local sandbox share it: the
 * token's format (HS256 JWT: issuer, audience, subject, lifetime), its longest lifetime, and the
 * key secret's format. Definitions live with the code that verifies them (lambda/authorizer,
 * lambda/domain); this is the door the CDK app's tools and aactl import them through. No SDK.
 */
export {
  MAX_TOKEN_TTL_SECONDS,
  mintApiToken,
  verifyApiToken,
  type ApiTokenClaims,
  type ApiTokenVerdict,
} from '../authorizer/api-token';
export { keyringFromSecret } from '../domain/secret-keyring';
export type { SessionKey, SessionKeyring } from '../domain/session-token';
