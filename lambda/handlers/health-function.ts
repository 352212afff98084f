/**
 * The health function: the route Route 53 health checkers probe, in its own small function so an
 * overloaded or throttled API function cannot fail the region's health check (and cascade the
 * load to the next region). It reads the region's drain flag from the local replica and nothing
 * else; no metrics library, so no "No application metrics to publish" warning on every probe.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { consoleLog } from '../adapters/console-log';
import { dynamoClientConfig } from '../adapters/dynamo-client';
import { DynamoHealthProbe } from '../adapters/dynamo-health-probe';
import { parseEnvironment, type HealthEnvironment } from '../contract/environment';
import { checkHealth, type HealthProbe } from './health';
import { errorResponse, type HttpEvent, type HttpResult } from './http';

/** What the health handler depends on; tests pass fakes. */
export interface HealthFunctionDeps {
  readonly config: Pick<HealthEnvironment, 'region' | 'healthPath'>;
  readonly probe: HealthProbe;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** One structured error line (console in production). */
  readonly logError: (message: string, details: Record<string, unknown>) => void;
}

/** Build the handler: the configured path answers GET and HEAD, anything else is 404 or 405. */
export function makeHealthHandler(
  deps: HealthFunctionDeps,
): (event: HttpEvent) => Promise<HttpResult> {
  const { healthPath, region } = deps.config;
  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    try {
      if (event.rawPath !== healthPath) {
        return errorResponse(404, 'not_found', `no route for ${method} ${event.rawPath}`);
      }
      if (method !== 'GET' && method !== 'HEAD') {
        return errorResponse(
          405,
          'method_not_allowed',
          `${method} is not allowed on ${healthPath}; use GET`,
          { allow: 'GET, HEAD' },
        );
      }
      return await checkHealth({ region, probe: deps.probe, now: deps.now });
    } catch (error) {
      deps.logError('health check failed unexpectedly', {
        requestId: event.requestContext.requestId,
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : String(error),
      });
      return errorResponse(
        500,
        'internal_error',
        'unexpected failure; retry later or quote the request id',
        {},
        { requestId: event.requestContext.requestId },
      );
    }
  };
}

let cached: ((event: HttpEvent) => Promise<HttpResult>) | undefined;

/** Lambda entry point: wires the probe once per cold start. */
export const handler = async (event: HttpEvent): Promise<HttpResult> => {
  if (cached === undefined) {
    const config = parseEnvironment('health', process.env);
    const client = new DynamoDBClient(
      dynamoClientConfig(config.region, {
        maxAttempts: 1,
        connectionTimeoutMs: config.timeoutMs,
        requestTimeoutMs: config.timeoutMs,
      }),
    );
    cached = makeHealthHandler({
      config,
      probe: new DynamoHealthProbe({
        client,
        tableName: config.tableName,
        region: config.region,
        timeoutMs: config.timeoutMs,
      }),
      now: Date.now,
      logError: consoleLog.error,
    });
  }
  return cached(event);
};
