/** The shared part of the OpenAPI document, as shipped in the API bundle (compressed). */
import { brotliDecompressSync } from 'node:zlib';
import type { OpenApiDocument } from './personalize';
import { OPENAPI_TEMPLATE } from './template.generated';

/** The template ./template.generated.ts holds. */
export function openApiTemplate(): OpenApiDocument {
  return JSON.parse(
    brotliDecompressSync(Buffer.from(OPENAPI_TEMPLATE, 'base64')).toString('utf8'),
  ) as OpenApiDocument;
}
