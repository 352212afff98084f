/**
 * Conformance of HTTP exchanges to the API's OpenAPI document: every answer's status, headers and
 * body must be ones the document declares for its operation (0 undocumented status codes, headers
 * or fields), and every request the API accepted (2xx) must be one the document allows. The test
 * harness (./api-harness.ts) checks every call with it; other suites (the sandbox scenarios) can
 * call {@link conformanceProblems} or {@link assertConforms} on what they send and receive.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ApiDescriptionSettings } from '../../lambda/contract/api-description';
import { DEFAULT_HEALTH_PATH, routesOf, type RouteFunction } from '../../lambda/contract/routes';
import type { HttpEvent, HttpResult } from '../../lambda/handlers/http';
import { personalize, type OpenApiDocument } from '../../lambda/handlers/openapi/personalize';
import { openApiTemplate } from '../../lambda/handlers/openapi/template';

/** Which document to check against, and which function answered. */
export interface ConformanceOptions {
  /** The deployment's names. @default HARNESS_SETTINGS */
  readonly settings?: ApiDescriptionSettings;
  /**
   * The function that answered (its handler was called directly): another function's routes are
   * unknown paths to it. @default - any (a client of the whole API, e.g. through API Gateway)
   */
  readonly served?: RouteFunction;
}

/** One request and its answer, as a client or the harness saw them. */
export interface HttpExchange {
  readonly method: string;
  /** The path as sent (percent-encoded), without the query. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly requestHeaders?: Readonly<Record<string, string | undefined>>;
  /** The request body as sent (text). @default - none */
  readonly requestBody?: string;
  readonly status: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody: string;
}

/** The names the harness's document is completed with (the paths do not depend on them). */
export const HARNESS_SETTINGS: ApiDescriptionSettings = {
  appName: 'active-active',
  publicName: 'api.example.com',
  regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  healthPath: '/health',
  auth: { kind: 'api-token' },
};

type Json = Record<string, unknown>;
interface Operation extends Json {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema: Json }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, Json>;
}

/** A document's checker: compiled schemas, cached per pointer. */
export class ConformanceChecker {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly paths: Array<{ template: string; pattern: RegExp; names: string[] }>;

  constructor(
    readonly document: OpenApiDocument,
    private readonly healthPath: string = DEFAULT_HEALTH_PATH,
  ) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(document as unknown as Json, 'openapi.json');
    this.paths = Object.keys(document.paths ?? {}).map((template) => ({
      template,
      names: [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string),
      pattern: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]*)')}$`,
      ),
    }));
  }

  /**
   * Every way `exchange` departs from the document (none: it conforms).
   * @param served the function that answered: routes of other functions are unknown paths to it
   * (API Gateway never sends them there) @default - any
   */
  problems(exchange: HttpExchange, served?: RouteFunction): string[] {
    const method = exchange.method.toUpperCase();
    const where = `${method} ${exchange.path} -> ${exchange.status}`;
    const problems: string[] = [];
    const matched = this.paths
      .map((path) => ({ path, match: path.pattern.exec(exchange.path) }))
      .find(({ match }) => match !== null);
    const elsewhere =
      served !== undefined &&
      matched !== undefined &&
      !routesOf(served, this.healthPath).some((entry) => entry.path === matched.path.template);
    if (matched === undefined || elsewhere) {
      return this.undocumentedAnswer(exchange, 404, 'not_found').map((p) => `${where}: ${p}`);
    }
    const item = (this.document.paths ?? {})[matched.path.template] as Record<string, Operation>;
    const operation = item[method.toLowerCase()];
    if (operation === undefined) {
      const allowed = Object.keys(item)
        .map((name) => name.toUpperCase())
        .join(', ');
      const found = this.undocumentedAnswer(exchange, 405, 'method_not_allowed');
      const allow = headerOf(exchange.responseHeaders, 'allow');
      if (
        allow !== undefined &&
        allow.split(/,\s*/).sort().join(', ') !== allowed.split(', ').sort().join(', ')
      ) {
        found.push(`allow header ${allow} is not the documented methods ${allowed}`);
      }
      return found.map((p) => `${where}: ${p}`);
    }
    const pointer = `openapi.json#/paths/${escape(matched.path.template)}/${method.toLowerCase()}`;
    problems.push(...this.answerProblems(exchange, operation, pointer));
    if (exchange.status >= 200 && exchange.status < 300) {
      problems.push(...this.requestProblems(exchange, operation, pointer, matched));
    }
    return problems.map((p) => `${where}: ${p}`);
  }

  /** Problems of a request the API accepted: parameters and body must be documented and valid. */
  requestProblems(
    exchange: HttpExchange,
    operation: Operation,
    pointer: string,
    matched: { path: { names: string[] }; match: RegExpExecArray | null },
  ): string[] {
    const problems: string[] = [];
    const parameters = operation.parameters ?? [];
    const check = (where: string, name: string, value: string | undefined) => {
      const index = parameters.findIndex(
        (p) => p.in === where && p.name.toLowerCase() === name.toLowerCase(),
      );
      const parameter = parameters[index];
      if (parameter === undefined) {
        if (where !== 'header') problems.push(`accepted undocumented ${where} parameter ${name}`);
        return;
      }
      if (value === undefined) return;
      const validate = this.validator(`${pointer}/parameters/${index}/schema`);
      if (!validate(value) && !validate(coerce(value))) {
        problems.push(
          `accepted ${where} parameter ${name}=${JSON.stringify(value)}: ${errorsOf(validate)}`,
        );
      }
    };
    matched.path.names.forEach((name, index) => {
      check('path', name, decodeURIComponent(matched.match?.[index + 1] ?? ''));
    });
    for (const [name, value] of Object.entries(exchange.query ?? {})) check('query', name, value);
    for (const [name, value] of Object.entries(exchange.requestHeaders ?? {})) {
      // an empty header is no header (the API reads it as its default)
      if (value !== '') check('header', name, value);
    }
    for (const parameter of parameters.filter((p) => p.required && p.in !== 'path')) {
      const values = parameter.in === 'query' ? exchange.query : exchange.requestHeaders;
      if (headerOf(values ?? {}, parameter.name) === undefined) {
        problems.push(`accepted without required ${parameter.in} parameter ${parameter.name}`);
      }
    }
    const body = exchange.requestBody;
    if (operation.requestBody === undefined) {
      if (body !== undefined && body !== '')
        problems.push('accepted a body the route takes none of');
    } else if (body === undefined || body === '') {
      if (operation.requestBody.required) problems.push('accepted a request without its body');
    } else {
      const validate = this.validator(`${pointer}/requestBody/content/application~1json/schema`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        problems.push('accepted a body that is not JSON');
      }
      if (parsed !== undefined && !validate(parsed)) {
        problems.push(`accepted a body the document forbids: ${errorsOf(validate)}`);
      }
    }
    return problems;
  }

  private answerProblems(exchange: HttpExchange, operation: Operation, pointer: string): string[] {
    const status = String(exchange.status);
    let response = operation.responses[status];
    let responsePointer = `${pointer}/responses/${status}`;
    if (response === undefined) return [`status ${status} is not documented for the operation`];
    if (typeof response.$ref === 'string') {
      responsePointer = `openapi.json${response.$ref}`;
      response = this.resolve(response.$ref);
    }
    return this.responseProblems(exchange, response, responsePointer);
  }

  /** An answer to a path or method the document does not have: the Error body with `code`. */
  private undocumentedAnswer(exchange: HttpExchange, status: number, code: string): string[] {
    if (exchange.status !== status) {
      return [`no documented operation, and the answer is ${exchange.status}, not ${status}`];
    }
    try {
      const body = JSON.parse(exchange.responseBody) as { error?: { code?: string } };
      if (body.error?.code !== code) return [`answered ${status} without code ${code}`];
    } catch {
      return [`answered ${status} without a JSON body`];
    }
    return [];
  }

  private responseProblems(exchange: HttpExchange, response: Json, pointer: string): string[] {
    const problems: string[] = [];
    const declared = (response.headers ?? {}) as Record<string, { required?: boolean }>;
    const names = new Map(Object.keys(declared).map((name) => [name.toLowerCase(), name]));
    const content = response.content as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(exchange.responseHeaders)) {
      const lower = name.toLowerCase();
      // a HEAD answer carries the headers of the GET answer, content-type included
      const head = exchange.method.toUpperCase() === 'HEAD';
      if (lower === 'content-type' && (content !== undefined || head)) {
        if (!/^application\/json/.test(value)) problems.push(`content-type ${value} is not JSON`);
        continue;
      }
      const documented = names.get(lower);
      if (documented === undefined) {
        problems.push(`header ${name} is not documented`);
        continue;
      }
      const validate = this.validator(`${pointer}/headers/${escape(documented)}/schema`);
      if (!validate(value)) {
        problems.push(`header ${name}: ${JSON.stringify(value)} ${errorsOf(validate)}`);
      }
    }
    for (const [name, header] of Object.entries(declared)) {
      if (header.required && headerOf(exchange.responseHeaders, name) === undefined) {
        problems.push(`required header ${name} is missing`);
      }
    }
    // nothing is sent after the headers of a HEAD answer, whatever the function returned
    if (exchange.method.toUpperCase() === 'HEAD') return problems;
    if (content === undefined) {
      if (exchange.responseBody !== '') {
        problems.push('a body where the document declares none');
      }
      return problems;
    }
    let body: unknown;
    try {
      body = JSON.parse(exchange.responseBody);
    } catch {
      return [...problems, 'the body is not JSON'];
    }
    const validate = this.validator(`${pointer}/content/application~1json/schema`);
    if (!validate(body)) {
      problems.push(`body ${JSON.stringify(body).slice(0, 300)}: ${errorsOf(validate)}`);
    }
    return problems;
  }

  private resolve(ref: string): Json {
    let node: unknown = this.document;
    for (const part of ref.replace(/^#\//, '').split('/')) {
      node = (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return node as Json;
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function coerce(value: string): unknown {
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''}`)
    .join('; ');
}

function headerOf(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

const checkers = new Map<string, ConformanceChecker>();

/** The checker of the document served with `settings` (the harness's by default), made once. */
export function conformanceChecker(
  settings: ApiDescriptionSettings = HARNESS_SETTINGS,
): ConformanceChecker {
  const key = JSON.stringify(settings);
  let checker = checkers.get(key);
  if (checker === undefined) {
    checker = new ConformanceChecker(personalize(openApiTemplate(), settings), settings.healthPath);
    checkers.set(key, checker);
  }
  return checker;
}

/** Every way `exchange` departs from the API's OpenAPI document (none: it conforms). */
export function conformanceProblems(
  exchange: HttpExchange,
  options: ConformanceOptions = {},
): string[] {
  return conformanceChecker(options.settings).problems(exchange, options.served);
}

/** Throws, listing every problem, when `exchange` departs from the API's OpenAPI document. */
export function assertConforms(exchange: HttpExchange, options: ConformanceOptions = {}): void {
  const problems = conformanceProblems(exchange, options);
  if (problems.length > 0) {
    throw new Error(`the answer departs from docs/openapi.json:\n  ${problems.join('\n  ')}`);
  }
}

/** The exchange of a Lambda event and its result (what the harness sees). */
export function exchangeOf(event: HttpEvent, result: HttpResult): HttpExchange {
  const body =
    event.body === undefined || event.body === null
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    ...(event.queryStringParameters
      ? { query: event.queryStringParameters as Record<string, string> }
      : {}),
    requestHeaders: event.headers ?? {},
    ...(body === undefined ? {} : { requestBody: body }),
    status: result.statusCode,
    responseHeaders: result.headers,
    responseBody: result.body,
  };
}

/** `handler`, checking every exchange against the document (throws on the first departure). */
export function conforming(
  handler: (event: HttpEvent) => Promise<HttpResult>,
  options: ConformanceOptions = {},
): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const result = await handler(event);
    assertConforms(exchangeOf(event, result), options);
    return result;
  };
}
