import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  API_DEFAULTS,
  DEFAULT_APP_NAME,
  DEFAULT_RECORD_TTL_SECONDS,
  DRILL_DEFAULTS,
  HEALTH_CHECK_DEFAULTS,
  LOG_DEFAULTS,
  OBSERVABILITY_DEFAULTS,
  parseConfig,
  ROLLOUT_DEFAULTS,
  withDefaults,
} from '../../../lib/config';

/** The smallest config: only the keys without a default. */
const MINIMAL = {
  regions: ['us-east-1', 'eu-west-1'],
  primaryRegion: 'us-east-1',
  domainName: 'example.com',
  hostedZone: { id: 'Z0123456789EXAMPLE', name: 'example.com' },
  tableName: 'shop-data',
};

describe('the defaults module', () => {
  test('GIVEN no optional key THEN the schema fills in the values of lib/config/defaults.ts', () => {
    const config = parseConfig(MINIMAL);
    expect(config.appName).toBe(DEFAULT_APP_NAME);
    expect(config.healthCheck).toEqual({
      intervalSeconds: HEALTH_CHECK_DEFAULTS.intervalSeconds,
      failureThreshold: HEALTH_CHECK_DEFAULTS.failureThreshold,
      path: HEALTH_CHECK_DEFAULTS.path,
      checkerRegions: [...HEALTH_CHECK_DEFAULTS.checkerRegions],
      reservedConcurrency: HEALTH_CHECK_DEFAULTS.reservedConcurrency,
    });
    expect(config.api).toEqual(API_DEFAULTS);
    expect(config.recordTtlSeconds).toBe(DEFAULT_RECORD_TTL_SECONDS);
    expect(config.rollout).toEqual({ ...ROLLOUT_DEFAULTS, domains: {} });
    expect(config.logs).toEqual(LOG_DEFAULTS);
    expect(config.drills).toEqual(DRILL_DEFAULTS);
    expect(config.observability).toEqual(OBSERVABILITY_DEFAULTS);
  });

  test('GIVEN part of a section THEN the rest of it keeps its defaults', () => {
    const config = parseConfig({ ...MINIMAL, healthCheck: { failureThreshold: 3 } });
    expect(config.healthCheck.failureThreshold).toBe(3);
    expect(config.healthCheck.path).toBe(HEALTH_CHECK_DEFAULTS.path);
    expect(parseConfig({ ...MINIMAL, api: { subdomain: 'x' } }).api.throttle).toEqual(
      API_DEFAULTS.throttle,
    );
  });

  test('withDefaults: a value given wins, undefined falls back to the default', () => {
    expect(withDefaults({ a: 1, b: 'x', c: [1] }, { a: 2, b: undefined, c: [3, 4] })).toEqual({
      a: 2,
      b: 'x',
      c: [3, 4],
    });
    expect(withDefaults({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  test("README's Config reference states the same defaults", () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const documented = new Map(
      [...readme.matchAll(/^\| `([^`]+)`[^|]*\| ([^|]+)\|/gm)].map((match) => [
        match[1],
        (match[2] ?? '').trim(),
      ]),
    );
    const expected: Record<string, string> = {
      appName: `\`${DEFAULT_APP_NAME}\``,
      'api.subdomain': `\`${API_DEFAULTS.subdomain}\``,
      'api.throttle.rateLimit': `\`${API_DEFAULTS.throttle.rateLimit}\` / \`${API_DEFAULTS.throttle.burstLimit}\``,
      'healthCheck.intervalSeconds': `\`${HEALTH_CHECK_DEFAULTS.intervalSeconds}\``,
      'healthCheck.failureThreshold': `\`${HEALTH_CHECK_DEFAULTS.failureThreshold}\``,
      'healthCheck.path': `\`${HEALTH_CHECK_DEFAULTS.path}\``,
      'healthCheck.reservedConcurrency': `\`${HEALTH_CHECK_DEFAULTS.reservedConcurrency}\``,
      recordTtlSeconds: `\`${DEFAULT_RECORD_TTL_SECONDS}\``,
      'rollout.phase': `\`${ROLLOUT_DEFAULTS.phase}\``,
      'rollout.allowMultiStep': `\`${ROLLOUT_DEFAULTS.allowMultiStep}\``,
      'drills.minHealthyRegions': `\`${DRILL_DEFAULTS.minHealthyRegions}\``,
      'observability.divergenceGraceSeconds': `\`${OBSERVABILITY_DEFAULTS.divergenceGraceSeconds}\``,
      'observability.maxOpenCaseAgeHours': `\`${OBSERVABILITY_DEFAULTS.maxOpenCaseAgeHours}\``,
      'logs.retentionDays': `\`${LOG_DEFAULTS.retentionDays}\``,
      'logs.customerManagedKey': `\`${LOG_DEFAULTS.customerManagedKey}\``,
    };
    for (const [key, value] of Object.entries(expected)) {
      expect({ key, documented: documented.get(key) }).toEqual({ key, documented: value });
    }
  });
});
