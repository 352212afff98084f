import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoHealthProbe } from '../adapters/dynamo-health-probe';
import { checkHealth, type HealthProbe } from './health';
import { errorResponse, type HttpEvent, type HttpResult } from './http';
import { readRuntimeConfig, type RuntimeConfig } from './runtime-config';

/** Everything the API handler depends on; tests pass fakes. */
export interface ApiDeps {
  readonly config: RuntimeConfig;
  readonly healthProbe: HealthProbe;
  readonly now: () => number;
  /** Where unexpected failures are reported (never to the caller). */
  readonly logError: (message: string, details: Record<string, unknown>) => void;
}

/** Build the API handler from its dependencies. */
export function makeHandler(deps: ApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    const requestId = event.requestContext.requestId;
    try {
      if (path === '/health') {
        if (method !== 'GET' && method !== 'HEAD') {
          return errorResponse(
            405,
            'method_not_allowed',
            `${method} is not allowed on /health; use GET`,
            {
              allow: 'GET, HEAD',
            },
          );
        }
        return await checkHealth({
          region: deps.config.region,
          probe: deps.healthProbe,
          now: deps.now,
        });
      }
      return errorResponse(404, 'not_found', `no route for ${method} ${path}`);
    } catch (error) {
      deps.logError('unhandled error', { requestId, error: String(error) });
      return errorResponse(
        500,
        'internal_error',
        'unexpected failure; retry later or quote the request id',
        {},
        {
          requestId,
        },
      );
    }
  };
}

/** Production wiring, done once per cold start. */
function productionDeps(): ApiDeps {
  const config = readRuntimeConfig(process.env);
  const client = new DynamoDBClient({
    region: config.region,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: config.healthTimeoutMs,
      requestTimeout: config.healthTimeoutMs,
    },
  });
  return {
    config,
    healthProbe: new DynamoHealthProbe({
      client,
      tableName: config.tableName,
      region: config.region,
      timeoutMs: config.healthTimeoutMs,
    }),
    now: Date.now,
    logError: (message, details) =>
      console.error(JSON.stringify({ level: 'ERROR', message, ...details })),
  };
}

let cached: ((event: HttpEvent) => Promise<HttpResult>) | undefined;

/** Lambda entry point. */
export const handler = (event: HttpEvent): Promise<HttpResult> => {
  cached ??= makeHandler(productionDeps());
  return cached(event);
};
