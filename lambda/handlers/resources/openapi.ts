/** `GET /openapi.json`: the deployment's OpenAPI document, for anyone, cacheable. */
import { createHash } from 'node:crypto';
import type { ApiDescriptionSettings } from '../../contract/api-description';
import { headerOf, type HttpResult } from '../http';
import { personalize, type OpenApiDocument } from '../openapi/personalize';
import { openApiTemplate } from '../openapi/template';
import type { RouteHandlers } from './route';

/** How long clients and caches may keep the document without asking again. */
export const DOCUMENT_MAX_AGE_SECONDS = 300;

/** The document as served: its JSON and a strong ETag of it. */
export interface ServedDocument {
  readonly body: string;
  readonly etag: string;
}

let template: OpenApiDocument | undefined;
const served = new WeakMap<ApiDescriptionSettings, ServedDocument>();

/** The document of a deployment as served, completed once per container. */
export function servedDocument(settings: ApiDescriptionSettings): ServedDocument {
  let document = served.get(settings);
  if (document === undefined) {
    template ??= openApiTemplate();
    const body = JSON.stringify(personalize(template, settings));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    document = { body, etag };
    served.set(settings, document);
  }
  return document;
}

/** Whether an `If-None-Match` header names `etag` (weakly or not), or any version (`*`). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

export const documentHandlers: RouteHandlers<'getOpenApiDocument'> = {
  getOpenApiDocument: {
    serve: ({ event, settings }): HttpResult => {
      const { body, etag } = servedDocument(settings);
      if (matches(headerOf(event, 'if-none-match'), etag)) {
        return { statusCode: 304, headers: { etag }, body: '' };
      }
      return {
        statusCode: 200,
        headers: {
          'content-type': 'application/json',
          'cache-control': `public, max-age=${DOCUMENT_MAX_AGE_SECONDS}`,
          etag,
        },
        body,
      };
    },
  },
};
