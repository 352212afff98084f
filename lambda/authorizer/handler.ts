/**
 * The API's Lambda authorizer (HTTP API, payload 2.0, simple responses): allows a request whose
 * `Authorization` header carries a valid API token. Not region-scoped: the same token passes in
 * every region, so a client of the public name never gets 403 because DNS moved it.
 */
import { verifyApiToken } from '../contract/api-token';
import type { SessionKeyring } from '../domain/session-token';

/** The part of API Gateway's authorizer event the authorizer reads. */
export interface AuthorizerEvent {
  readonly headers?: Record<string, string | undefined>;
  readonly requestContext?: { readonly requestId?: string; readonly domainName?: string };
}

/** API Gateway's simple response, with the subject for the integration. */
export interface AuthorizerResult {
  readonly isAuthorized: boolean;
  readonly context?: { readonly subject: string };
}

/** What the authorizer depends on; tests pass fakes. */
export interface AuthorizerDeps {
  /** The token keyring (cached by the caller; may refresh after an unknown key id). */
  readonly keyring: (options: { readonly refresh: boolean }) => Promise<SessionKeyring>;
  readonly issuer: string;
  readonly audience: string;
  readonly now: () => number;
  readonly log: (message: string, details: Record<string, unknown>) => void;
}

/** Build the authorizer. */
export function makeAuthorizer(
  deps: AuthorizerDeps,
): (event: AuthorizerEvent) => Promise<AuthorizerResult> {
  return async (event) => {
    const header = Object.entries(event.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'authorization',
    )?.[1];
    const expected = { issuer: deps.issuer, audience: deps.audience, nowMs: deps.now() };
    let verdict = verifyApiToken(header, await deps.keyring({ refresh: false }), expected);
    // A key rotated since this container read the secret: read it again, once.
    if (!verdict.ok && verdict.reason.startsWith('unknown key id')) {
      verdict = verifyApiToken(header, await deps.keyring({ refresh: true }), expected);
    }
    if (!verdict.ok) {
      deps.log('token refused', {
        reason: verdict.reason,
        requestId: event.requestContext?.requestId,
        domainName: event.requestContext?.domainName,
      });
      return { isAuthorized: false };
    }
    return { isAuthorized: true, context: { subject: verdict.claims.subject } };
  };
}
