/**
 * What the OpenAPI document of a deployment depends on, and how the API function learns it: a few
 * names, most of which its environment already holds (a Lambda environment is 4 KB in all, so the
 * document is completed at run time, never passed in). No CDK or SDK imports.
 */
import { DEFAULT_HEALTH_PATH } from './routes';

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

/** The API function's environment variable holding the health path. */
export const HEALTH_PATH_ENV = 'HEALTH_PATH';
/** The API function's environment variable holding the OIDC issuer, set only with `api.jwt`. */
export const JWT_ISSUER_ENV = 'API_JWT_ISSUER';

/** A region's own API name, e.g. `eu-west-1.api.example.com`. */
export function regionalApiName(publicName: string, region: string): string {
  return `${region}.${publicName}`;
}

/**
 * What the API function's environment needs for the document besides the names it holds already
 * (`APP_NAME`, `PUBLIC_NAME`, `APP_REGIONS`): read back by {@link apiDescriptionSettingsOf}.
 */
export function apiDescriptionEnvironment(
  settings: Pick<ApiDescriptionSettings, 'healthPath' | 'auth'>,
): Record<string, string> {
  return {
    [HEALTH_PATH_ENV]: settings.healthPath,
    ...(settings.auth.kind === 'oidc' ? { [JWT_ISSUER_ENV]: settings.auth.issuer } : {}),
  };
}

/** The document's settings: the names the API function's config read, and its environment. */
export function apiDescriptionSettingsOf(
  env: Readonly<Record<string, string | undefined>>,
  names: Pick<ApiDescriptionSettings, 'appName' | 'publicName' | 'regions'>,
): ApiDescriptionSettings {
  const issuer = env[JWT_ISSUER_ENV]?.trim();
  return {
    appName: names.appName,
    publicName: names.publicName,
    regions: names.regions,
    healthPath: env[HEALTH_PATH_ENV]?.trim() || DEFAULT_HEALTH_PATH,
    auth: issuer ? { kind: 'oidc', issuer } : { kind: 'api-token' },
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
