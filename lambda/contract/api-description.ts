/**
 * What the OpenAPI document of a deployment depends on, and how the API function learns it: a few
 * names, most of which its environment already holds (a Lambda environment is 4 KB in all, so the
 * document is completed at run time, never passed in). No CDK or SDK imports.
 */

/** How API callers authenticate (the authorizer the deployment configured). */
export type ApiAuthScheme =
  /** The app's own API tokens, checked by the Lambda authorizer (`npm run api-token`). */
  | { readonly kind: 'api-token' }
  /** JWTs of an external OIDC provider, checked by API Gateway's JWT authorizer. */
  | { readonly kind: 'oidc'; readonly issuer: string };

/** A deployment's facts the OpenAPI document names. */
export interface ApiDescriptionSettings {
  /** The app name (the API tokens' issuer). */
  readonly appName: string;
  /** The public API name, e.g. `api.example.com`. */
  readonly publicName: string;
  /** Every region serving the API, primary first: each has its own name under the public one. */
  readonly regions: readonly string[];
  /** The health route's path (`healthCheck.path`). */
  readonly healthPath: string;
  readonly auth: ApiAuthScheme;
}

/** A region's own API name, e.g. `eu-west-1.api.example.com`. */
export function regionalApiName(publicName: string, region: string): string {
  return `${region}.${publicName}`;
}

/**
 * The document's settings from what the API function's environment holds (./environment.ts: the
 * app, public and region names, the health path and, with `api.jwt`, the OIDC issuer).
 */
export function apiDescriptionSettingsOf(config: {
  readonly appName: string;
  readonly publicName: string;
  readonly regions: readonly string[];
  readonly healthPath: string;
  readonly jwtIssuer?: string | undefined;
}): ApiDescriptionSettings {
  return {
    appName: config.appName,
    publicName: config.publicName,
    regions: config.regions,
    healthPath: config.healthPath,
    auth:
      config.jwtIssuer === undefined
        ? { kind: 'api-token' }
        : { kind: 'oidc', issuer: config.jwtIssuer },
  };
}

/** The part of the app's config the document names (structural: the contract imports no lib/). */
export interface ApiDescriptionConfig {
  readonly appName: string;
  readonly publicName: string;
  /** The regions in DNS, primary first. */
  readonly servingRegions: readonly string[];
  readonly healthCheck: { readonly path: string };
  readonly api: { readonly jwt?: { readonly issuer: string } };
}

/** The document settings of a config: what every serving region's document function is given. */
export function apiDescriptionFromConfig(config: ApiDescriptionConfig): ApiDescriptionSettings {
  return {
    appName: config.appName,
    publicName: config.publicName,
    regions: config.servingRegions,
    healthPath: config.healthCheck.path,
    auth: config.api.jwt ? { kind: 'oidc', issuer: config.api.jwt.issuer } : { kind: 'api-token' },
  };
}
