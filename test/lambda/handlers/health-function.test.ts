import { EnvironmentError, parseEnvironment } from '../../../lambda/contract/environment';
import type { HealthProbe } from '../../../lambda/handlers/health';
import {
  makeHealthHandler,
  type HealthFunctionDeps,
} from '../../../lambda/handlers/health-function';
import type { HttpEvent } from '../../../lambda/handlers/http';
import { conforming, HARNESS_SETTINGS } from '../../helpers/openapi-conformance';

/** The health handler, every exchange checked against the OpenAPI document. */
function checkedHealthHandler(deps: HealthFunctionDeps) {
  return conforming(makeHealthHandler(deps), {
    served: 'health',
    settings: { ...HARNESS_SETTINGS, healthPath: deps.config.healthPath },
  });
}

function event(method: string, rawPath: string): HttpEvent {
  return {
    rawPath,
    headers: {},
    body: undefined,
    isBase64Encoded: false,
    requestContext: { http: { method }, requestId: 'req-123' },
  };
}

function depsWith(
  probe: HealthProbe,
  healthPath = '/health',
  errors: unknown[] = [],
): HealthFunctionDeps {
  let clock = 1_000;
  return {
    config: { region: 'eu-west-1', healthPath },
    probe,
    now: () => (clock += 7),
    logError: (message, details) => errors.push({ message, details }),
  };
}

const healthy: HealthProbe = { readDrainFlag: async () => ({ drained: false }) };

describe('the health function', () => {
  test('200 with the region when the local replica answers and no drain flag is set', async () => {
    const result = await checkedHealthHandler(depsWith(healthy))(event('GET', '/health'));
    expect(result.statusCode).toBe(200);
    expect(result.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(result.body)).toEqual({ status: 'ok', region: 'eu-west-1', latencyMs: 7 });
  });

  test('answers the configured path, and only that path', async () => {
    const handler = checkedHealthHandler(depsWith(healthy, '/healthz'));
    expect((await handler(event('GET', '/healthz'))).statusCode).toBe(200);
    expect((await handler(event('HEAD', '/healthz'))).statusCode).toBe(200);
    expect((await handler(event('GET', '/health'))).statusCode).toBe(404);
  });

  test('503 draining, with connection: close, while the drain flag is set', async () => {
    const handler = checkedHealthHandler(
      depsWith({ readDrainFlag: async () => ({ drained: true, reason: 'drill d-1' }) }),
    );
    const result = await handler(event('GET', '/health'));
    expect(result.statusCode).toBe(503);
    expect(result.headers.connection).toBe('close');
    expect(JSON.parse(result.body)).toMatchObject({
      status: 'draining',
      region: 'eu-west-1',
      reason: 'drill d-1',
    });
  });

  test('503 unavailable when the replica read fails or times out', async () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    const handler = checkedHealthHandler(
      depsWith({ readDrainFlag: () => Promise.reject(timeout) }),
    );
    const result = await handler(event('GET', '/health'));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({
      status: 'unavailable',
      region: 'eu-west-1',
      reason: 'local replica read failed (TimeoutError)',
      latencyMs: 7,
    });
  });

  test('405 with the error shape for other methods', async () => {
    const result = await checkedHealthHandler(depsWith(healthy))(event('POST', '/health'));
    expect(result.statusCode).toBe(405);
    expect(result.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'method_not_allowed', message: 'POST is not allowed on /health; use GET' },
    });
  });

  test('an unexpected failure is a 500 with the request id and no stack trace', async () => {
    const errors: unknown[] = [];
    const handler = checkedHealthHandler({
      ...depsWith(healthy, '/health', errors),
      now: () => {
        throw new Error('clock exploded');
      },
    });
    const result = await handler(event('GET', '/health'));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toMatchObject({ error: { requestId: 'req-123' } });
    expect(result.body).not.toContain('clock exploded');
    expect(errors).toHaveLength(1);
  });
});

describe('health function environment', () => {
  const env = { AWS_REGION: 'eu-west-1', TABLE_NAME: 't', HEALTH_PATH: '/healthz' };

  test('reads the path, table and timeout', () => {
    expect(parseEnvironment('health', { ...env, HEALTH_TIMEOUT_MS: '500' })).toEqual({
      region: 'eu-west-1',
      tableName: 't',
      healthPath: '/healthz',
      timeoutMs: 500,
    });
  });

  test('names a missing path and a bad timeout', () => {
    expect(() => parseEnvironment('health', { AWS_REGION: 'eu-west-1', TABLE_NAME: 't' })).toThrow(
      new EnvironmentError(
        'HEALTH_PATH',
        'environment variable HEALTH_PATH is missing; redeploy the stack',
      ),
    );
    expect(() => parseEnvironment('health', { ...env, HEALTH_TIMEOUT_MS: '0' })).toThrow(
      'HEALTH_TIMEOUT_MS must be an integer 50-10000, got "0"',
    );
  });
});
