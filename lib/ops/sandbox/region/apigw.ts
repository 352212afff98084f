/**
 * API Gateway HTTP API (payload format 2.0) as the region host plays it: route selection as API
 * Gateway does it (the most specific route wins: exact segments over `{param}`, `{proxy+}` last,
 * `$default` when nothing else matches), the v2 event a Lambda integration receives, the request
 * authorizer's event, and the integration's result turned back into an HTTP response.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import type { RouteSpec } from './protocol';

/** A route chosen for a request, with its path parameters. */
export interface MatchedRoute {
  readonly route: RouteSpec;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** Pick the route for `method path`, or undefined (API Gateway answers 404). */
export function selectRoute(
  routes: readonly RouteSpec[],
  method: string,
  path: string,
): MatchedRoute | undefined {
  const upper = method.toUpperCase();
  const segments = path.split('/').slice(1);
  let best: { match: MatchedRoute; score: number[] } | undefined;
  for (const route of routes) {
    if (route.path === '$default') continue;
    if (route.method !== 'ANY' && route.method !== upper) continue;
    const matched = matchPath(route.path, segments);
    if (matched === undefined) continue;
    // exact segments beat parameters, parameters beat a greedy tail, a method beats ANY
    const score = [...matched.score, route.method === 'ANY' ? 0 : 1];
    if (best === undefined || compareScores(score, best.score) > 0) {
      best = { match: { route, pathParameters: matched.parameters }, score };
    }
  }
  if (best !== undefined) return best.match;
  const fallback = routes.find((route) => route.path === '$default');
  return fallback === undefined ? undefined : { route: fallback, pathParameters: {} };
}

function matchPath(
  template: string,
  segments: readonly string[],
): { parameters: Record<string, string>; score: number[] } | undefined {
  const parts = template.split('/').slice(1);
  const parameters: Record<string, string> = {};
  const score: number[] = [];
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index] as string;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy !== null) {
      if (index !== parts.length - 1 || segments.length <= index) return undefined;
      parameters[greedy[1] as string] = decodeSegment(segments.slice(index).join('/'));
      score.push(0);
      return { parameters, score };
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    const parameter = /^\{(.+)\}$/.exec(part);
    if (parameter !== null) {
      if (segment === '') return undefined;
      parameters[parameter[1] as string] = decodeSegment(segment);
      score.push(1);
    } else if (part === segment) {
      score.push(2);
    } else {
      return undefined;
    }
  }
  return segments.length === parts.length ? { parameters, score } : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** An HTTP request as received. */
export interface IncomingRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/v1/reconciliation?limit=5`. */
  readonly url: string;
  /** Header name (any case) to values. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** Facts of the API the event reports. */
export interface ApiFacts {
  readonly accountId: string;
  readonly apiId: string;
  readonly requestId: string;
  readonly nowMs: number;
}

/** A v2 event (the fields API Gateway sends to a Lambda integration). */
export type HttpApiEvent = Record<string, unknown> & {
  readonly headers: Record<string, string>;
  readonly requestContext: Record<string, unknown>;
};

/** Headers as API Gateway passes them: lower-case names, repeated values joined by commas. */
export function eventHeaders(headers: IncomingRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(',');
  }
  return out;
}

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))/i;

/** Build the payload-2.0 event for `request` on `matched`. */
export function buildEvent(
  request: IncomingRequest,
  matched: MatchedRoute,
  facts: ApiFacts,
  authorizer?: Readonly<Record<string, unknown>>,
): HttpApiEvent {
  const headers = eventHeaders(request.headers);
  const [rawPath = '/', rawQueryString = ''] = splitUrl(request.url);
  const query = queryParameters(rawQueryString);
  const cookies = headers.cookie?.split(/;\s*/).filter((cookie) => cookie !== '');
  const hasBody = request.body.length > 0;
  const text = hasBody && TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const time = new Date(facts.nowMs);
  return {
    version: '2.0',
    routeKey: matched.route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies !== undefined && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(matched.pathParameters).length > 0
      ? { pathParameters: matched.pathParameters }
      : {}),
    requestContext: {
      accountId: facts.accountId,
      apiId: facts.apiId,
      ...(authorizer === undefined ? {} : { authorizer: { lambda: authorizer } }),
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0],
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: facts.requestId,
      routeKey: matched.route.routeKey,
      stage: '$default',
      time: formatRequestTime(time),
      timeEpoch: facts.nowMs,
    },
    ...(hasBody
      ? {
          body: text ? request.body.toString('utf8') : request.body.toString('base64'),
          isBase64Encoded: !text,
        }
      : { isBase64Encoded: false }),
  };
}

/** The request authorizer's event (payload 2.0) for the same request. */
export function buildAuthorizerEvent(
  event: HttpApiEvent,
  identitySource: readonly string[],
  routeArn: string,
): Record<string, unknown> {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn,
    identitySource,
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    headers: event.headers,
    ...(event.queryStringParameters === undefined
      ? {}
      : { queryStringParameters: event.queryStringParameters }),
    ...(event.pathParameters === undefined ? {} : { pathParameters: event.pathParameters }),
    requestContext: event.requestContext,
  };
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf('?');
  return at < 0 ? [url, ''] : [url.slice(0, at), url.slice(at + 1)];
}

function queryParameters(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === '') return out;
  for (const [name, value] of new URLSearchParams(raw)) {
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return out;
}

function formatRequestTime(time: Date): string {
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(time.getUTCDate())}/${months[time.getUTCMonth()]}/${time.getUTCFullYear()}:${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} +0000`;
}

/** An HTTP response to write. */
export interface OutgoingResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** API Gateway's own error answers (`{"message": ...}`). */
export function gatewayError(statusCode: number, message: string): OutgoingResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/**
 * The integration's result as HTTP: a structured result (`statusCode`, `headers`, `cookies`,
 * `body`, `isBase64Encoded`) as given; anything else is a 200 JSON body, as API Gateway infers it.
 */
export function toResponse(result: unknown): OutgoingResponse {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const structured = result as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      cookies?: unknown;
      body?: unknown;
      isBase64Encoded?: unknown;
    };
    const statusCode = Number(structured.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
      return gatewayError(500, 'Internal Server Error');
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    if (Array.isArray(structured.cookies) && structured.cookies.length > 0) {
      headers['set-cookie'] = structured.cookies.map(String);
    }
    const text = typeof structured.body === 'string' ? structured.body : '';
    const body = Buffer.from(text, structured.isBase64Encoded === true ? 'base64' : 'utf8');
    return { statusCode, headers, body };
  }
  const body = Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? ''));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
}
