import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ConfigError,
  configFromContext,
  loadConfigFromCdkJson,
  parseConfig,
  phaseOfDomain,
  PLACEHOLDER_ACCOUNT,
  regionalNameOf,
} from '../../../lib/config';
import { DEFAULT_CONFIG_INPUT } from '../../helpers/app';

function contextOf(values: Record<string, unknown>) {
  return { tryGetContext: (key: string) => values[key], getAllContext: () => values };
}

function errorOf(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('config defaults', () => {
  // GIVEN the config shipped in cdk.json
  const config = parseConfig(DEFAULT_CONFIG_INPUT);

  test('ships three regions with us-east-1 as primary and example.com', () => {
    expect(config.regions).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    expect(config.primaryRegion).toBe('us-east-1');
    expect(config.secondaryRegions).toEqual(['eu-west-1', 'ap-southeast-2']);
    expect(config.domainName).toBe('example.com');
    expect(config.publicName).toBe('api.example.com');
    expect(regionalNameOf(config, 'eu-west-1')).toBe('eu-west-1.api.example.com');
  });

  test('applies documented defaults', () => {
    expect(config.healthCheck).toEqual({
      intervalSeconds: 10,
      failureThreshold: 2,
      path: '/health',
      checkerRegions: expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2']),
      reservedConcurrency: 5,
    });
    expect(config.recordTtlSeconds).toBe(60);
    expect(config.rollout.phase).toBe('active-passive');
    expect(config.multiRegionStrongConsistency).toBe(false);
    expect(config.drills.minHealthyRegions).toBe(1);
    expect(config.alarmEmail).toBeUndefined();
  });

  test('uses a placeholder account when neither config nor the environment names one', () => {
    expect(config.account).toBe(PLACEHOLDER_ACCOUNT);
    expect(config.accountIsPlaceholder).toBe(true);
    expect(parseConfig(DEFAULT_CONFIG_INPUT, { defaultAccount: '210987654321' }).account).toBe(
      '210987654321',
    );
    expect(
      parseConfig(
        { ...DEFAULT_CONFIG_INPUT, account: '123456789012' },
        { defaultAccount: '210987654321' },
      ).account,
    ).toBe('123456789012');
  });

  test('the deploy id: pinned by config, else given by bin/app.ts (the synth time), else static', () => {
    expect(config.deployId).toBe('static');
    expect(parseConfig(DEFAULT_CONFIG_INPUT, { deployId: '20250101T000000Z' }).deployId).toBe(
      '20250101T000000Z',
    );
    expect(
      parseConfig({ ...DEFAULT_CONFIG_INPUT, deployId: 'release-42' }, { deployId: 'x' }).deployId,
    ).toBe('release-42');
  });

  test('a domain override falls back to the global phase', () => {
    const withOverride = parseConfig({
      ...DEFAULT_CONFIG_INPUT,
      rollout: { phase: 'read-local', domains: { counters: 'active-active' } },
    });
    expect(phaseOfDomain(withOverride, 'counters')).toBe('active-active');
    expect(phaseOfDomain(withOverride, 'ledger')).toBe('read-local');
  });
});

describe('the data region', () => {
  test('defaults to the primary, and must stay one of regions', () => {
    const { dataRegion: _, ...withoutDataRegion } = DEFAULT_CONFIG_INPUT;
    expect(parseConfig({ ...withoutDataRegion, primaryRegion: 'eu-west-1' }).dataRegion).toBe(
      'eu-west-1',
    );
    expect(
      errorOf({
        ...DEFAULT_CONFIG_INPUT,
        regions: ['eu-west-1', 'eu-central-1'],
        primaryRegion: 'eu-west-1',
      }),
    ).toBe(
      'activeActive.dataRegion must be one of regions (eu-west-1, eu-central-1): the data stack never moves, so keep its region listed, got "us-east-1"',
    );
  });

  test('a primary change keeps the data region (cdk.json pins it)', () => {
    const moved = parseConfig({ ...DEFAULT_CONFIG_INPUT, primaryRegion: 'eu-west-1' });
    expect([moved.primaryRegion, moved.dataRegion]).toEqual(['eu-west-1', 'us-east-1']);
  });
});

describe('config from CDK context', () => {
  test('dotted -c overrides replace single fields and read numbers and lists', () => {
    // GIVEN cdk.json's object plus two -c overrides
    const config = configFromContext(
      contextOf({
        activeActive: DEFAULT_CONFIG_INPUT,
        'activeActive.regions': 'eu-west-1,eu-central-1',
        'activeActive.primaryRegion': 'eu-central-1',
        'activeActive.dataRegion': 'eu-west-1',
        'activeActive.healthCheck.failureThreshold': '3',
      }),
    );
    // THEN only those fields change
    expect(config.regions).toEqual(['eu-west-1', 'eu-central-1']);
    expect(config.primaryRegion).toBe('eu-central-1');
    expect(config.dataRegion).toBe('eu-west-1');
    expect(config.healthCheck.failureThreshold).toBe(3);
    expect(config.tableName).toBe(DEFAULT_CONFIG_INPUT.tableName);
  });

  test('the whole key may be given as a JSON string with -c', () => {
    const config = configFromContext(
      contextOf({ activeActive: JSON.stringify(DEFAULT_CONFIG_INPUT) }),
    );
    expect(config.primaryRegion).toBe('us-east-1');
  });

  test('a -c value that is not JSON is one clear error', () => {
    expect(() => configFromContext(contextOf({ activeActive: 'regions=us-east-1' }))).toThrow(
      'activeActive given with -c must be a JSON object, got "regions=us-east-1"; use -c activeActive.<field>=<value> to override one field',
    );
  });

  test('a missing key says where to add it', () => {
    expect(() => configFromContext(contextOf({}))).toThrow(
      'config key "activeActive" is missing; add it to the "context" of cdk.json (see README, Config reference)',
    );
  });

  test('the CLI reads the same config from cdk.json', () => {
    const config = loadConfigFromCdkJson(path.join(__dirname, '..', '..', '..', 'cdk.json'), {
      'activeActive.rollout.phase': 'read-local',
    });
    expect(config.rollout.phase).toBe('read-local');
  });

  test('an unreadable or malformed cdk.json is one clear error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aa-config-'));
    const broken = path.join(dir, 'cdk.json');
    writeFileSync(broken, '{ not json');
    expect(() => loadConfigFromCdkJson(path.join(dir, 'missing.json'))).toThrow(
      `cannot read ${path.join(dir, 'missing.json')}; run from the project root or pass --cdk-json <path to cdk.json>`,
    );
    expect(() => loadConfigFromCdkJson(broken)).toThrow(/is not valid JSON .*; fix the file$/);
  });
});

describe('config validation names the key, the bad value and what is allowed', () => {
  const base = DEFAULT_CONFIG_INPUT;

  test.each([
    [
      'unknown region',
      { regions: ['us-east-1', 'eu-west-9'] },
      /^activeActive\.regions\[1\] must be a known AWS region \(af-south-1, .*us-west-2\), got "eu-west-9"$/,
    ],
    [
      'duplicate region',
      { regions: ['us-east-1', 'eu-west-1', 'eu-west-1'] },
      'activeActive.regions[2] is a duplicate region; list each region once, got "eu-west-1"',
    ],
    [
      'primary not among the regions',
      { primaryRegion: 'eu-central-1' },
      'activeActive.primaryRegion must be one of regions (us-east-1, eu-west-1, ap-southeast-2), got "eu-central-1"',
    ],
    [
      'fewer than 2 regions',
      { regions: ['us-east-1'] },
      /^activeActive\.regions needs at least 2 regions for multi-region, got \["us-east-1"\]/,
    ],
    [
      'threshold out of range',
      { healthCheck: { failureThreshold: 12 } },
      'activeActive.healthCheck.failureThreshold must be an integer 1-10, got 12',
    ],
    [
      'interval not 10 or 30',
      { healthCheck: { intervalSeconds: 20 } },
      'activeActive.healthCheck.intervalSeconds must be 10 or 30 (Route 53 health checks support only these intervals), got 20',
    ],
    [
      'malformed domain',
      { domainName: 'Example..com' },
      /^activeActive\.domainName must be a lowercase domain name of labels a-z, 0-9, - separated by dots \(e\.g\. example\.com\), got "Example\.\.com"/,
    ],
    [
      'malformed zone id',
      { hostedZone: { id: 'abc', name: 'example.com' } },
      'activeActive.hostedZone.id must be a hosted zone id: Z followed by upper-case letters and digits, got "abc"',
    ],
    [
      'domain outside the zone',
      { domainName: 'example.org' },
      'activeActive.domainName must be hostedZone.name (example.com) or a subdomain of it, got "example.org"',
    ],
    [
      'TTL above 60',
      { recordTtlSeconds: 300 },
      'activeActive.recordTtlSeconds must be an integer 1-60, got 300',
    ],
    [
      'unknown phase',
      { rollout: { phase: 'yolo' } },
      'activeActive.rollout.phase must be one of active-passive | read-local | limited-write | active-active, got "yolo"',
    ],
    [
      'unknown key',
      { regionz: ['us-east-1'] },
      'activeActive.regionz: unknown config key; remove it or fix its spelling (see README, Config reference)',
    ],
    [
      'health path without a leading slash',
      { healthCheck: { path: 'health' } },
      'activeActive.healthCheck.path must be a URL path starting with \'/\', got "health"',
    ],
    [
      'reserved concurrency above 100',
      { healthCheck: { reservedConcurrency: 101 } },
      'activeActive.healthCheck.reservedConcurrency must be an integer 0-100, got 101',
    ],
    [
      'throttle rate below 1',
      { api: { throttle: { rateLimit: 0 } } },
      'activeActive.api.throttle.rateLimit must be an integer 1-100000, got 0',
    ],
    [
      'JWT issuer that is not an https URL',
      { api: { jwt: { issuer: 'http://auth.example.com', audience: ['a'] } } },
      'activeActive.api.jwt.issuer must be an https:// issuer URL, got "http://auth.example.com"',
    ],
    [
      'JWT without audiences',
      { api: { jwt: { issuer: 'https://auth.example.com', audience: [] } } },
      'activeActive.api.jwt.audience needs at least one audience, got []',
    ],
    [
      'too few checker regions',
      { healthCheck: { checkerRegions: ['us-east-1', 'eu-west-1'] } },
      'activeActive.healthCheck.checkerRegions needs at least 3 health-checker regions, got ["us-east-1","eu-west-1"]',
    ],
    [
      'bad account',
      { account: '12345' },
      'activeActive.account must be a 12-digit AWS account id, got "12345"',
    ],
    [
      'missing table name',
      { tableName: undefined },
      'activeActive.tableName must be a DynamoDB table name, got nothing (the key is missing)',
    ],
  ])('%s', (_name, override, expected) => {
    // GIVEN cdk.json's config with one bad value WHEN it is parsed THEN one line explains it
    const message = errorOf({ ...base, ...override });
    expect(message).not.toContain('\n');
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  test('multi-region strong consistency needs 3 regions of one region set', () => {
    expect(errorOf({ ...base, multiRegionStrongConsistency: true })).toBe(
      'activeActive.multiRegionStrongConsistency needs exactly 3 regions from one region set (US: us-east-1 us-east-2 us-west-2; EU: eu-west-1 eu-west-2 eu-west-3 eu-central-1; AP: ap-northeast-1 ap-northeast-2 ap-northeast-3), but regions are us-east-1, eu-west-1, ap-southeast-2; set it to false or change regions, got true',
    );
    const ok = parseConfig({
      ...base,
      regions: ['us-east-1', 'us-east-2', 'us-west-2'],
      primaryRegion: 'us-east-1',
      multiRegionStrongConsistency: true,
    });
    expect(ok.multiRegionStrongConsistency).toBe(true);
  });

  test('minHealthyRegions must leave a region to drill', () => {
    expect(errorOf({ ...base, drills: { minHealthyRegions: 3 } })).toBe(
      'activeActive.drills.minHealthyRegions must be less than the number of serving regions (3), or no drill could ever run, got 3',
    );
  });
});
