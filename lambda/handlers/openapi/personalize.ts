/**
 * The names of one deployment in the OpenAPI document: its servers, the security scheme it
 * configured, its health path and its app name. The rest of the document (./document.ts) is the
 * same for every deployment: generated once, shipped compressed in the API bundle
 * (./template.generated.ts), and completed here per deployment, at run time.
 */
import type { oas31 } from 'zod-openapi';
import { regionalApiName, type ApiDescriptionSettings } from '../../contract/api-description';
import { DEFAULT_HEALTH_PATH } from '../../contract/routes';

/** An OpenAPI 3.1 document. */
export type OpenApiDocument = oas31.OpenAPIObject;

/** The title the template carries until a deployment's app name replaces it. */
export const TEMPLATE_TITLE = '<app> API';

/** The document of a deployment: `template` with its names. */
export function personalize(
  template: OpenApiDocument,
  settings: ApiDescriptionSettings,
): OpenApiDocument {
  const scheme = settings.auth.kind === 'oidc' ? 'oidc' : 'apiToken';
  const paths = Object.fromEntries(
    Object.entries(template.paths ?? {}).map(([path, item]) => [
      path === DEFAULT_HEALTH_PATH ? settings.healthPath : path,
      item,
    ]),
  );
  return {
    openapi: template.openapi,
    info: { ...template.info, title: `${settings.appName} API` },
    servers: [
      { url: `https://${settings.publicName}`, description: 'Any healthy region (Route 53)' },
      ...settings.regions.map((region) => ({
        url: `https://${regionalApiName(settings.publicName, region)}`,
        description: `${region} only`,
      })),
    ],
    security: [{ [scheme]: [] }],
    ...(template.tags ? { tags: template.tags } : {}),
    paths,
    components: {
      ...template.components,
      securitySchemes: {
        [scheme]:
          settings.auth.kind === 'oidc'
            ? {
                type: 'openIdConnect',
                openIdConnectUrl: `${settings.auth.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
                description: "JWTs of the OIDC provider, checked by API Gateway's JWT authorizer",
              }
            : {
                type: 'http',
                scheme: 'bearer',
                bearerFormat: 'JWT',
                description: `API tokens of ${settings.appName} (npm run api-token): HS256, issuer ${settings.appName}, audience ${settings.publicName}; checked by the Lambda authorizer of every region`,
              },
      },
    },
  };
}
