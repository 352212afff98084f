import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  apiDescriptionFromConfig,
  apiDescriptionSettingsOf,
  type ApiDescriptionSettings,
} from '../../../../lambda/contract/api-description';
import { parseEnvironment, toEnvironment } from '../../../../lambda/contract/environment';
import { API_ROUTES, apiRoutes } from '../../../../lambda/contract/routes';
import { buildWritePolicy } from '../../../../lambda/domain/write-policy';
import {
  buildOpenApiDocument,
  buildOpenApiTemplate,
  renderOpenApiDocument,
} from '../../../../lambda/handlers/openapi/document';
import { ERROR_CODES } from '../../../../lambda/handlers/openapi/errors';
import { openApiTemplate } from '../../../../lambda/handlers/openapi/template';
import { servedDocument } from '../../../../lambda/handlers/resources/openapi';
import { loadConfigFromCdkJson } from '../../../../lib/config';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const SETTINGS: ApiDescriptionSettings = {
  appName: 'shop',
  publicName: 'api.shop.example',
  regions: ['us-east-1', 'eu-west-1'],
  healthPath: '/healthz',
  auth: { kind: 'api-token' },
};

describe('the OpenAPI document', () => {
  // GIVEN one deployment's names WHEN its document is built once
  const document = buildOpenApiDocument(SETTINGS);
  const operations = Object.entries(document.paths ?? {}).flatMap(([route, item]) =>
    Object.entries(item as Record<string, { operationId: string; security?: unknown[] }>).map(
      ([method, operation]) => ({ key: `${method.toUpperCase()} ${route}`, ...operation }),
    ),
  );

  test("docs/openapi.json is the default config's document (else run npm run openapi)", () => {
    const settings = apiDescriptionFromConfig(loadConfigFromCdkJson(path.join(ROOT, 'cdk.json')));
    const committed = readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8');
    if (committed !== renderOpenApiDocument(settings)) {
      throw new Error('docs/openapi.json is out of date: run npm run openapi and commit it');
    }
  });

  test('one operation per entry of the route table, the health entries at the configured path', () => {
    expect(operations.map(({ key, operationId }) => [key, operationId])).toEqual(
      apiRoutes('/healthz').map((entry) => [`${entry.method} ${entry.path}`, entry.id]),
    );
    expect(operations).toHaveLength(API_ROUTES.length);
  });

  test('public routes need no token; every other route the configured scheme', () => {
    for (const operation of operations) {
      const entry = API_ROUTES.find((route) => route.id === operation.operationId);
      expect(operation.security === undefined).toBe(entry?.authorized);
    }
    expect(document.security).toEqual([{ apiToken: [] }]);
    expect(document.components?.securitySchemes).toEqual({
      apiToken: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
  });

  test('with an OIDC provider, its discovery document is the scheme', () => {
    const oidc = buildOpenApiDocument({
      ...SETTINGS,
      auth: { kind: 'oidc', issuer: 'https://auth.example.com/' },
    });
    expect(oidc.security).toEqual([{ oidc: [] }]);
    expect(oidc.components?.securitySchemes?.oidc).toMatchObject({
      type: 'openIdConnect',
      openIdConnectUrl: 'https://auth.example.com/.well-known/openid-configuration',
    });
  });

  test('servers: the public name, then each region by its own name', () => {
    expect(document.servers?.map((server) => server.url)).toEqual([
      'https://api.shop.example',
      'https://us-east-1.api.shop.example',
      'https://eu-west-1.api.shop.example',
    ]);
  });

  test("every error code of docs/api.md's error table is in the document", () => {
    const apiMd = readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
    const table = apiMd.slice(apiMd.indexOf('## Errors'), apiMd.indexOf('## Idempotency'));
    const documented = new Set(Object.values(ERROR_CODES).flatMap((codes) => Object.keys(codes)));
    const inTable = [...table.matchAll(/[`"]([a-z]+(?:_[a-z]+)+)[`"]/g)].map((match) => match[1]);
    expect(inTable.length).toBeGreaterThan(20);
    expect(inTable.filter((code) => !documented.has(code as string))).toEqual([]);
    // and the table names every code the document lists
    expect([...documented].filter((code) => !inTable.includes(code))).toEqual([]);
  });

  test('the API function reads back the names the construct gives it', () => {
    const names = { appName: 'shop', publicName: 'api.shop.example', regions: ['eu-west-1'] };
    const given = {
      ...names,
      tableName: 'shop-data',
      primaryRegion: 'eu-west-1',
      sessionKeySecretId: 'shop/session-key',
      writePolicy: buildWritePolicy({
        region: 'eu-west-1',
        primaryRegion: 'eu-west-1',
        phase: 'active-active',
      }),
    };
    for (const settings of [
      { ...SETTINGS, ...names },
      { ...SETTINGS, ...names, auth: { kind: 'oidc', issuer: 'https://auth.example.com' } },
    ] as const) {
      const env = toEnvironment('api', {
        ...given,
        healthPath: settings.healthPath,
        ...(settings.auth.kind === 'oidc' ? { jwtIssuer: settings.auth.issuer } : {}),
      });
      const config = parseEnvironment('api', { ...env, AWS_REGION: 'eu-west-1' });
      expect(apiDescriptionSettingsOf(config)).toEqual(settings);
    }
    const withoutPath = parseEnvironment('api', {
      ...toEnvironment('api', given),
      AWS_REGION: 'eu-west-1',
    });
    expect(apiDescriptionSettingsOf(withoutPath).healthPath).toBe('/health');
  });
});

describe('the document the API function serves', () => {
  test('the compressed template is current (else run npm run openapi)', () => {
    if (JSON.stringify(openApiTemplate()) !== JSON.stringify(buildOpenApiTemplate())) {
      throw new Error(
        'lambda/handlers/openapi/template.generated.ts is out of date: run npm run openapi and commit it',
      );
    }
  });

  test.each([
    ['the token authorizer', SETTINGS],
    ['an OIDC provider', { ...SETTINGS, auth: { kind: 'oidc', issuer: 'https://id.example' } }],
    ['the default health path', { ...SETTINGS, healthPath: '/health', regions: ['ap-south-1'] }],
  ] as const)('with %s: the generated document, byte for byte', (_name, settings) => {
    expect(servedDocument(settings).body).toBe(JSON.stringify(buildOpenApiDocument(settings)));
  });
});
