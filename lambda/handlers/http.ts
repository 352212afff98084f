import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** An HTTP request as the handlers see it: API Gateway's v2 payload, reduced to what is used. */
export type HttpEvent = Pick<
  APIGatewayProxyEventV2,
  'rawPath' | 'headers' | 'body' | 'isBase64Encoded' | 'queryStringParameters' | 'pathParameters'
> & {
  readonly requestContext: {
    readonly http: { readonly method: string; readonly path?: string };
    readonly requestId: string;
  };
};

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/** A JSON response with the headers every answer carries. */
export function json(
  statusCode: number,
  payload: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(payload),
  };
}

/** The error shape of every 4xx and 5xx: `{"error":{"code":"...","message":"..."}}`. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): HttpResult {
  return json(statusCode, { error: { code, message, ...extra } }, headers);
}

/** Case-insensitive header lookup (API Gateway lower-cases, tests and other callers may not). */
export function headerOf(event: Pick<HttpEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
