import { buildWritePolicy, serializeWritePolicy } from '../../../lambda/domain/write-policy';
import { makeHandler, type ApiDeps } from '../../../lambda/handlers/api';
import type { HealthProbe } from '../../../lambda/handlers/health';
import type { HttpEvent } from '../../../lambda/handlers/http';
import { readRuntimeConfig, RuntimeConfigError } from '../../../lambda/handlers/runtime-config';
import { productionApiDeps } from '../../../lambda/handlers/wiring';

const config = { region: 'eu-west-1' };

function event(method: string, rawPath: string): HttpEvent {
  return {
    rawPath,
    headers: {},
    body: undefined,
    isBase64Encoded: false,
    requestContext: { http: { method }, requestId: 'req-123' },
  };
}

function depsWith(probe: HealthProbe, errors: unknown[] = []): ApiDeps {
  let clock = 1_000;
  return {
    config,
    healthProbe: probe,
    service: () => Promise.reject(new Error('the health route must not need the service')),
    keyring: () => Promise.reject(new Error('the health route must not need the keyring')),
    idempotency: {
      region: 'eu-west-1',
      markUnknown: () => Promise.reject(new Error('unused')),
      peek: () => Promise.reject(new Error('unused')),
      begin: () => Promise.reject(new Error('unused')),
      complete: () => Promise.reject(new Error('unused')),
      release: () => Promise.reject(new Error('unused')),
    },
    now: () => (clock += 7),
    log: {
      info: () => undefined,
      warn: () => undefined,
      error: (message, details) => errors.push({ message, details }),
    },
    metric: () => undefined,
  };
}

describe('GET /health', () => {
  test('200 with the region when the local replica answers and no drain flag is set', async () => {
    const handler = makeHandler(depsWith({ readDrainFlag: async () => ({ drained: false }) }));
    const result = await handler(event('GET', '/health'));
    expect(result.statusCode).toBe(200);
    expect(result.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(result.body)).toEqual({ status: 'ok', region: 'eu-west-1', latencyMs: 7 });
  });

  test('503 draining, with connection: close, while the drain flag is set', async () => {
    const handler = makeHandler(
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
    const handler = makeHandler(depsWith({ readDrainFlag: () => Promise.reject(timeout) }));
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
    const handler = makeHandler(depsWith({ readDrainFlag: async () => ({ drained: false }) }));
    const result = await handler(event('POST', '/health'));
    expect(result.statusCode).toBe(405);
    expect(result.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'method_not_allowed', message: 'POST is not allowed on /health; use GET' },
    });
  });

  test('404 with the error shape for unknown routes', async () => {
    const handler = makeHandler(depsWith({ readDrainFlag: async () => ({ drained: false }) }));
    const result = await handler(event('GET', '/nope'));
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'not_found', message: 'no route for GET /nope' },
    });
  });

  test('an unexpected failure is a 500 with the request id and no stack trace', async () => {
    const errors: unknown[] = [];
    const probe = {
      readDrainFlag: async () => ({ drained: false }),
    };
    const deps = depsWith(probe, errors);
    const handler = makeHandler({
      ...deps,
      now: () => {
        throw new Error('clock exploded');
      },
    });
    const result = await handler(event('GET', '/health'));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: {
        code: 'internal_error',
        message: 'unexpected failure; retry later or quote the request id',
        requestId: 'req-123',
      },
    });
    expect(result.body).not.toContain('clock exploded');
    expect(errors).toHaveLength(1);
  });
});

describe('runtime config', () => {
  test('names a missing variable', () => {
    expect(() => readRuntimeConfig({ AWS_REGION: 'eu-west-1' })).toThrow(
      new RuntimeConfigError('environment variable APP_REGIONS is missing; redeploy the stack'),
    );
  });

  test('rejects a primary outside the regions', () => {
    expect(() =>
      readRuntimeConfig({
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 't',
        APP_REGIONS: 'eu-west-1,us-east-1',
        PRIMARY_REGION: 'ap-south-1',
      }),
    ).toThrow(
      'PRIMARY_REGION ap-south-1 is not in APP_REGIONS (eu-west-1, us-east-1); redeploy the stack',
    );
  });

  test('bounds the health timeout', () => {
    expect(() =>
      readRuntimeConfig({
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 't',
        APP_REGIONS: 'eu-west-1,us-east-1',
        PRIMARY_REGION: 'eu-west-1',
        HEALTH_TIMEOUT_MS: '0',
      }),
    ).toThrow('HEALTH_TIMEOUT_MS must be an integer 50-10000, got "0"');
  });
});

describe('production wiring', () => {
  test('reads the whole environment once and names a bad fencing mode', () => {
    const env = {
      AWS_REGION: 'eu-west-1',
      TABLE_NAME: 'active-active-data',
      APP_REGIONS: 'us-east-1,eu-west-1',
      PRIMARY_REGION: 'us-east-1',
      APP_NAME: 'active-active',
      PUBLIC_NAME: 'api.example.com',
      SESSION_KEY_SECRET_ID: 'active-active/session-key',
      WRITE_POLICY: serializeWritePolicy(
        buildWritePolicy({ region: 'eu-west-1', primaryRegion: 'us-east-1', phase: 'read-local' }),
      ),
    };
    expect(readRuntimeConfig(env)).toMatchObject({
      fencing: 'transaction',
      publicName: 'api.example.com',
    });
    expect(readRuntimeConfig({ ...env, FENCING: 'read-then-write' }).fencing).toBe(
      'read-then-write',
    );
    expect(() => readRuntimeConfig({ ...env, FENCING: 'yolo' })).toThrow(
      'FENCING must be transaction or read-then-write, got "yolo"; redeploy the stack',
    );
    expect(() => readRuntimeConfig({ ...env, AWS_REGION: 'ap-southeast-2' })).toThrow(
      /WRITE_POLICY was built for eu-west-1 .* but this function runs in ap-southeast-2/,
    );
    // the wiring builds every dependency without touching AWS
    const deps = productionApiDeps(env);
    expect(deps.config.region).toBe('eu-west-1');
  });
});
