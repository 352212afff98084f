/**
 * The API as an OpenAPI 3.1 document, generated (zod-openapi) from the contract's route table, the
 * request schemas the handlers validate with and the response schemas they answer with. The part
 * every deployment shares is generated here by `npm run openapi`, which writes it compressed to
 * ./template.generated.ts (the API function completes it with its names: ./personalize.ts) and the
 * default config's document to docs/openapi.json; tests keep both current. Not in the API bundle.
 */
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject } from 'zod-openapi';
import type { ApiDescriptionSettings } from '../../contract/api-description';
import {
  API_ROUTES,
  pathParametersOf,
  type ApiRouteEntry,
  type DataRouteId,
} from '../../contract/routes';
import { requestParameters } from '../request-schemas';
import { errorBody, gatewayError, health, servedHeaders } from '../responses';
import { ERROR_CODES, type ErrorStatus } from './errors';
import { OPERATIONS, type OperationSpec } from './operations';
import { personalize, TEMPLATE_TITLE, type OpenApiDocument } from './personalize';

/** The document's version: bump it with any change of the API. */
export const API_VERSION = '1.0.0';

const text = (description: string) => z.string().meta({ description });
const noStore = { 'Cache-Control': text('no-store') };
const retryAfter = { 'Retry-After': text('Seconds to wait before retrying').optional() };

/** `x-served-region` -> `X-Served-Region` (handlers answer in lower case; names are case-blind). */
const canonical = (headers: Record<string, z.ZodType>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, schema]) => [
      name.replace(/(^|-)[a-z]/g, (start) => start.toUpperCase()),
      schema,
    ]),
  );

const served = canonical(servedHeaders);

/** The headers of each kind of success answer. */
const answerHeaders = {
  read: { ...served, ...noStore },
  list: {
    'X-Served-Region': servedHeaders['x-served-region'],
    'X-Consistency': servedHeaders['x-consistency'],
    ...noStore,
  },
  write: {
    ...served,
    ...noStore,
    'X-Session-Token': text('The same as the body: send it with your next requests'),
    'Idempotency-Claimed-In': text(
      'With Idempotency-Key: where the key was claimed ("<region> (home unreachable)": the narrower guarantee)',
    ).optional(),
    'Idempotency-Replayed': z
      .literal('true')
      .optional()
      .meta({ description: 'The stored answer of an earlier request with the same key' }),
  },
};

/** An error answer of the API function, its code one of the status's. */
function errorResponse(status: ErrorStatus, headers: Record<string, z.ZodType> = noStore) {
  const codes = Object.keys(ERROR_CODES[status]);
  return {
    description: Object.entries(ERROR_CODES[status])
      .map(([code, meaning]) => `\`${code}\`: ${meaning}`)
      .join('; '),
    headers: z.object(headers),
    content: {
      'application/json': {
        schema: errorBody.extend({
          error: errorBody.shape.error.extend({ code: z.enum(codes as [string, ...string[]]) }),
        }),
      },
    },
  };
}

/** An answer API Gateway gives by itself, never the function. */
const gatewayResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: gatewayError } },
});

/** An answer either the function or API Gateway gives. */
function eitherResponse(status: 413 | 500 | 503, gateway: string) {
  const own = errorResponse(status, {
    'Cache-Control': noStore['Cache-Control'].optional(),
    ...retryAfter,
  });
  return {
    ...own,
    description: `${own.description}; or API Gateway's own: ${gateway}`,
    content: {
      'application/json': {
        schema: z.union([own.content['application/json'].schema, gatewayError]),
      },
    },
  };
}

/** Every error answer, as a reusable response. */
const ERROR_RESPONSES = {
  BadRequest: ['400', errorResponse(400)],
  Unauthorized: ['401', gatewayResponse('API Gateway: no Authorization header')],
  Forbidden: ['403', gatewayResponse('API Gateway: the authorizer refused the token')],
  // a read's "no such object" says who served it at which level, as its 200 does
  NotFound: [
    '404',
    errorResponse(404, {
      ...noStore,
      ...Object.fromEntries(
        Object.entries(served).map(([name, schema]) => [name, schema.optional()]),
      ),
    }),
  ],
  Conflict: ['409', errorResponse(409, { ...noStore, ...retryAfter })],
  ContentTooLarge: ['413', eitherResponse(413, 'a request over 10 MB')],
  UnsupportedMediaType: ['415', errorResponse(415)],
  MisdirectedRequest: ['421', errorResponse(421)],
  UnprocessableContent: ['422', errorResponse(422)],
  TooManyRequests: ['429', gatewayResponse('API Gateway: the stage or route throttle')],
  InternalServerError: ['500', eitherResponse(500, 'the function failed')],
  ServiceUnavailable: ['503', eitherResponse(503, 'the function timed out or is throttled')],
  GatewayTimeout: ['504', gatewayResponse('API Gateway: the integration timed out')],
} as const;
type ErrorResponseName = keyof typeof ERROR_RESPONSES;

const GATEWAY: ErrorResponseName[] = ['Unauthorized', 'Forbidden', 'TooManyRequests'];
const ALWAYS: ErrorResponseName[] = ['InternalServerError', 'ServiceUnavailable', 'GatewayTimeout'];
const WRITES: ErrorResponseName[] = [
  'Conflict',
  'ContentTooLarge',
  'UnsupportedMediaType',
  'MisdirectedRequest',
];

/** The error answers of one data route. */
function errorsOf(entry: ApiRouteEntry, spec: OperationSpec): ErrorResponseName[] {
  return [
    'BadRequest',
    ...GATEWAY,
    ...(spec.notFound ? (['NotFound'] as const) : []),
    ...(entry.write ? WRITES : []),
    'UnprocessableContent',
    ...ALWAYS,
  ];
}

const refs = (names: readonly ErrorResponseName[]) =>
  Object.fromEntries(
    names.map((name) => [ERROR_RESPONSES[name][0], { $ref: `#/components/responses/${name}` }]),
  );

function dataOperation(entry: ApiRouteEntry, spec: OperationSpec): ZodOpenApiOperationObject {
  const { path, query, header } = requestParameters;
  return {
    operationId: entry.id,
    summary: entry.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [entry.tag],
    requestParams: {
      path: z.object(
        Object.fromEntries(pathParametersOf(entry.path).map((name) => [name, pathSchema(name)])),
      ),
      ...(spec.query
        ? {
            query: z.object(
              Object.fromEntries(spec.query.map((name) => [name, query[name].optional()])),
            ),
          }
        : {}),
      header: z.object({
        Consistency: header.consistency.optional(),
        'X-Session-Token': header.sessionToken.optional(),
        ...(entry.write
          ? {
              'X-When-Not-Owner': header.whenNotOwner.optional(),
              'Idempotency-Key': header.idempotencyKey.optional(),
            }
          : {}),
      }),
    },
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
      : {}),
    responses: {
      [String(spec.status)]: {
        description: entry.summary,
        headers: z.object(answerHeaders[spec.headers]),
        content: { 'application/json': { schema: spec.answer } },
      },
      ...refs(errorsOf(entry, spec)),
    },
  };

  function pathSchema(name: string): z.ZodType {
    const schema = (path as Record<string, z.ZodType | undefined>)[name];
    if (schema === undefined)
      throw new Error(`path parameter {${name}} of ${entry.path} has no schema`);
    return schema;
  }
}

/** The health route: its own function, no token (Route 53 checkers cannot send one). */
function healthOperation(entry: ApiRouteEntry): ZodOpenApiOperationObject {
  const head = entry.method === 'HEAD';
  const answer = (description: string) => ({
    description,
    headers: z.object({
      ...noStore,
      Connection: z.literal('close').optional().meta({
        description: 'While draining: reconnect, and follow DNS to another region',
      }),
    }),
    ...(head ? {} : { content: { 'application/json': { schema: health } } }),
  });
  return {
    operationId: entry.id,
    summary: entry.summary,
    description:
      "Reads the region's drain flag from the local replica: what Route 53's health checks probe.",
    tags: [entry.tag],
    security: [],
    responses: {
      '200': answer('The region serves'),
      ...refs(['TooManyRequests', 'InternalServerError']),
      '503': answer('The region is drained, or its replica did not answer'),
    },
  };
}

/** `GET /openapi.json`: this document, for anyone, cacheable. */
function documentOperation(entry: ApiRouteEntry): ZodOpenApiOperationObject {
  const etag = { ETag: text('Changes with the document') };
  return {
    operationId: entry.id,
    summary: entry.summary,
    description: 'The same document in every region of a deployment.',
    tags: [entry.tag],
    security: [],
    requestParams: {
      header: z.object({ 'If-None-Match': text('The ETag of a copy you hold').optional() }),
    },
    responses: {
      '200': {
        description: 'The document',
        headers: z.object({ 'Cache-Control': text('public, max-age=300'), ...etag }),
        content: {
          'application/json': {
            schema: z.looseObject({ openapi: z.string() }).meta({ id: 'OpenApiDocument' }),
          },
        },
      },
      '304': { description: 'Your copy is current', headers: z.object(etag) },
      ...refs(['TooManyRequests', ...ALWAYS]),
    },
  };
}

/**
 * The part of the document every deployment shares: every route at its default path, with its
 * parameters, bodies, answers and errors; no servers or security scheme yet (see ./personalize.ts).
 */
export function buildOpenApiTemplate(): OpenApiDocument {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const entry of API_ROUTES) {
    const operation =
      entry.function === 'health'
        ? healthOperation(entry)
        : entry.id === 'getOpenApiDocument'
          ? documentOperation(entry)
          : dataOperation(entry, OPERATIONS[entry.id as DataRouteId]);
    (paths[entry.path] ??= {})[entry.method.toLowerCase()] = operation;
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: TEMPLATE_TITLE,
      version: API_VERSION,
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'The same API in every region, behind one public name (latency or failover routed) and one name per region. Responses say which region served them, the consistency served and the staleness. A method a path does not take is answered 405 `method_not_allowed` with an Allow header, an unknown path 404 `not_found`; both with the Error body.',
    },
    tags: TAGS,
    paths,
    components: {
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([name, [, response]]) => [name, response]),
      ),
    },
  });
}

/** The OpenAPI document of a deployment, generated from the schemas (what the API serves). */
export function buildOpenApiDocument(settings: ApiDescriptionSettings): OpenApiDocument {
  return personalize(buildOpenApiTemplate(), settings);
}

const TAGS: { name: ApiRouteEntry['tag']; description: string }[] = [
  { name: 'counters', description: 'PN-counters: every region writes its own slot' },
  { name: 'sets', description: 'Add-wins OR-sets' },
  { name: 'profiles', description: 'Documents merged field by field' },
  { name: 'carts', description: 'Lines merged as counters' },
  { name: 'ledger', description: 'Money: owner-only, never merged; conflicts go to a person' },
  { name: 'ownership', description: "Each tenant's home region and epoch" },
  { name: 'service', description: 'Public routes: health and this document' },
];

/** The document as docs/openapi.json holds it: indented JSON and a final newline. */
export function renderOpenApiDocument(settings: ApiDescriptionSettings): string {
  return `${JSON.stringify(buildOpenApiDocument(settings), null, 2)}\n`;
}

/** ./template.generated.ts: the template, brotli-compressed (about 6 KB instead of 78 KB). */
export function renderTemplateModule(): string {
  const json = JSON.stringify(buildOpenApiTemplate());
  const compressed = brotliCompressSync(json, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  }).toString('base64');
  return [
    '// Generated by `npm run openapi` from lambda/handlers/openapi/document.ts: do not edit.',
    '// The OpenAPI document every deployment shares, as JSON, brotli-compressed, base64.',
    'export const OPENAPI_TEMPLATE =',
    `  '${compressed}';`,
    '',
  ].join('\n');
}
