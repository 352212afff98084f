import { EnvironmentError, parseEnvironment } from '../../../lambda/contract/environment';
import { buildWritePolicy, serializeWritePolicy } from '../../../lambda/domain/write-policy';
import { makeHandler, type ApiDeps } from '../../../lambda/handlers/api';
import type { HttpEvent } from '../../../lambda/handlers/http';
import { productionApiDeps } from '../../../lambda/handlers/wiring';
import { conforming } from '../../helpers/openapi-conformance';

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

function deps(errors: unknown[] = []): ApiDeps {
  let clock = 1_000;
  return {
    config,
    service: () => Promise.reject(new Error('unused')),
    keyring: () => Promise.reject(new Error('unused')),
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

describe('API errors outside the routes', () => {
  test("the health path is not the API function's: 404 (the health function answers it)", async () => {
    const result = await conforming(makeHandler(deps()), { served: 'api' })(
      event('GET', '/health'),
    );
    expect(result.statusCode).toBe(404);
  });

  test('404 with the error shape for unknown routes', async () => {
    const result = await conforming(makeHandler(deps()), { served: 'api' })(event('GET', '/nope'));
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'not_found', message: 'no route for GET /nope' },
    });
  });

  test('an unexpected failure is a 500 with the request id and no stack trace', async () => {
    const errors: unknown[] = [];
    const handler = conforming(
      makeHandler({
        ...deps(errors),
        now: () => {
          throw new Error('clock exploded');
        },
      }),
      { served: 'api' },
    );
    const result = await handler(event('GET', '/v1/tenants/t1/counters/visits'));
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
    expect(() => parseEnvironment('api', { AWS_REGION: 'eu-west-1' })).toThrow(
      new EnvironmentError(
        'APP_REGIONS',
        'environment variable APP_REGIONS is missing; redeploy the stack',
      ),
    );
  });

  test('rejects a primary outside the regions', () => {
    expect(() =>
      parseEnvironment('api', {
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 't',
        APP_REGIONS: 'eu-west-1,us-east-1',
        PRIMARY_REGION: 'ap-south-1',
      }),
    ).toThrow(
      'PRIMARY_REGION ap-south-1 is not in APP_REGIONS (eu-west-1, us-east-1); redeploy the stack',
    );
  });

  // the health timeout moved with the health route to the health function
  test('bounds the health timeout', () => {
    expect(() =>
      parseEnvironment('health', {
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 't',
        HEALTH_PATH: '/health',
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
    expect(parseEnvironment('api', env)).toMatchObject({
      fencing: 'transaction',
      publicName: 'api.example.com',
    });
    expect(parseEnvironment('api', { ...env, FENCING: 'read-then-write' }).fencing).toBe(
      'read-then-write',
    );
    expect(() => parseEnvironment('api', { ...env, FENCING: 'yolo' })).toThrow(
      'FENCING must be transaction or read-then-write, got "yolo"; redeploy the stack',
    );
    expect(() => parseEnvironment('api', { ...env, AWS_REGION: 'ap-southeast-2' })).toThrow(
      /WRITE_POLICY was built for eu-west-1 .* but this function runs in ap-southeast-2/,
    );
    // the wiring builds every dependency without touching AWS
    const deps = productionApiDeps(env);
    expect(deps.config.region).toBe('eu-west-1');
  });
});
