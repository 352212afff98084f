import {
  EnvironmentError,
  FUNCTION_VARIABLES,
  parseEnvironment,
  toEnvironment,
  type EnvironmentInputs,
  type FunctionEnvironments,
  type FunctionKind,
} from '../../../lambda/contract/environment';
import { WRITE_CLASS_NAMES } from '../../../lambda/domain/catalog';
import { buildWritePolicy } from '../../../lambda/domain/write-policy';
import { LAMBDA_ENTRIES } from '../../../lib/constructs/lambda-bundling';

const REGION = 'eu-west-1';

/** One example of every kind's settings, as a construct passes them. */
const EXAMPLES: { readonly [K in FunctionKind]: EnvironmentInputs[K] } = {
  api: {
    regions: ['us-east-1', REGION],
    primaryRegion: 'us-east-1',
    writePolicy: buildWritePolicy({
      region: REGION,
      primaryRegion: 'us-east-1',
      phase: 'limited-write',
      limitedWriteClasses: ['counter.increment'],
    }),
    fencing: 'read-then-write',
    tableName: 'shop-data',
    appName: 'shop',
    publicName: 'api.example.com',
    sessionKeySecretId: 'shop/session-key',
    healthPath: '/healthz',
    jwtIssuer: 'https://auth.example.com',
  },
  authorizer: { tokenSecretId: 'shop/api-token-key', issuer: 'shop', audience: 'api.example.com' },
  health: { tableName: 'shop-data', healthPath: '/healthz/deep', timeoutMs: 800 },
  heartbeat: {
    regions: ['us-east-1', REGION],
    tableName: 'shop-data',
    appName: 'shop',
    graceMs: 60_000,
  },
  'conflict feed': {
    regions: ['us-east-1', REGION],
    primaryRegion: 'us-east-1',
    tableName: 'shop-data',
    appName: 'shop',
  },
  'health check lookup': {},
  'rollout guard': {},
};

const KINDS = Object.keys(EXAMPLES) as FunctionKind[];

describe('the Lambda environment contract', () => {
  test('covers every function the app bundles', () => {
    expect([...KINDS].sort()).toEqual(Object.keys(LAMBDA_ENTRIES).sort());
    expect(Object.keys(FUNCTION_VARIABLES).sort()).toEqual(Object.keys(LAMBDA_ENTRIES).sort());
  });

  test.each(KINDS)('%s: what the construct writes, the handler reads back', (kind) => {
    // GIVEN the environment a construct builds, and the region Lambda adds
    const environment = { ...toEnvironment(kind, EXAMPLES[kind] as never), AWS_REGION: REGION };
    // WHEN the handler parses it THEN it gets the same settings, plus its region
    const parsed: FunctionEnvironments[FunctionKind] = parseEnvironment(kind, environment);
    const expected =
      'region' in FUNCTION_VARIABLES[kind] ? { ...EXAMPLES[kind], region: REGION } : {};
    expect(parsed).toEqual(expected);
  });

  test('keeps the variable names the templates have always had', () => {
    // HEALTH_PATH and API_JWT_ISSUER: what GET /openapi.json names ([O])
    expect(Object.keys(toEnvironment('api', EXAMPLES.api)).sort()).toEqual([
      'API_JWT_ISSUER',
      'APP_NAME',
      'APP_REGIONS',
      'FENCING',
      'HEALTH_PATH',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'PRIMARY_REGION',
      'PUBLIC_NAME',
      'SESSION_KEY_SECRET_ID',
      'TABLE_NAME',
      'WRITE_POLICY',
    ]);
    expect(toEnvironment('heartbeat', EXAMPLES.heartbeat)).toEqual({
      APP_REGIONS: 'us-east-1,eu-west-1',
      TABLE_NAME: 'shop-data',
      APP_NAME: 'shop',
      DIVERGENCE_GRACE_MS: '60000',
      POWERTOOLS_SERVICE_NAME: 'shop',
      POWERTOOLS_METRICS_NAMESPACE: 'ActiveActive',
    });
    expect(toEnvironment('health check lookup', {})).toEqual({});
  });

  test('leaves out optional settings not given, and the handler applies their defaults', () => {
    // GIVEN a health function and a heartbeat without timeouts
    const health = toEnvironment('health', { tableName: 't', healthPath: '/health' });
    const heartbeat = toEnvironment('heartbeat', {
      regions: [REGION],
      tableName: 't',
      appName: 'a',
    });
    // THEN nothing is written for them, and the handlers read the defaults
    expect(health).toEqual({ TABLE_NAME: 't', HEALTH_PATH: '/health' });
    expect(parseEnvironment('health', { ...health, AWS_REGION: REGION }).timeoutMs).toBe(1000);
    expect(parseEnvironment('heartbeat', { ...heartbeat, AWS_REGION: REGION }).graceMs).toBe(
      300_000,
    );
  });

  test('the API needs the write policy the region stack adds', () => {
    const { writePolicy: _added, ...fromConstruct } = EXAMPLES.api;
    const environment = { ...toEnvironment('api', fromConstruct), AWS_REGION: REGION };
    expect(environment).not.toHaveProperty('WRITE_POLICY');
    expect(() => parseEnvironment('api', environment)).toThrow(
      new EnvironmentError(
        'WRITE_POLICY',
        'environment variable WRITE_POLICY is missing; redeploy the stack',
      ),
    );
  });

  test('names the bad variable, what it must be and what it got', () => {
    const environment = { ...toEnvironment('heartbeat', EXAMPLES.heartbeat), AWS_REGION: REGION };
    let thrown: unknown;
    try {
      parseEnvironment('heartbeat', { ...environment, DIVERGENCE_GRACE_MS: '5s' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvironmentError);
    expect(thrown).toMatchObject({
      variable: 'DIVERGENCE_GRACE_MS',
      message:
        'DIVERGENCE_GRACE_MS must be an integer of at least 1000, got "5s"; redeploy the stack',
    });
    expect(() => parseEnvironment('heartbeat', { ...environment, APP_REGIONS: '  ' })).toThrow(
      'environment variable APP_REGIONS is missing; redeploy the stack',
    );
    expect(() => parseEnvironment('heartbeat', { ...environment, APP_REGIONS: ',' })).toThrow(
      'APP_REGIONS must be a comma-separated list of regions, got ","; redeploy the stack',
    );
    expect(() =>
      parseEnvironment('conflict feed', {
        ...toEnvironment('conflict feed', EXAMPLES['conflict feed']),
        AWS_REGION: REGION,
        PRIMARY_REGION: 'ap-south-1',
      }),
    ).toThrow(
      'PRIMARY_REGION ap-south-1 is not in APP_REGIONS (us-east-1, eu-west-1); redeploy the stack',
    );
  });

  test('reports a malformed write policy as the policy parser words it', () => {
    const environment = { ...toEnvironment('api', EXAMPLES.api), AWS_REGION: REGION };
    expect(() => parseEnvironment('api', { ...environment, WRITE_POLICY: '{nope' })).toThrow(
      /^invalid WRITE_POLICY: is not JSON \(.+\); redeploy the region stack$/,
    );
  });

  test('a bad setting fails synth, named, instead of the first cold start', () => {
    expect(() =>
      toEnvironment('health', { tableName: 't', healthPath: 'health', timeoutMs: 1000 }),
    ).toThrow(
      `health function environment: HEALTH_PATH must be a path starting with '/', got "health"`,
    );
    expect(() =>
      toEnvironment('api', {
        ...EXAMPLES.api,
        primaryRegion: 'ap-south-1',
        writePolicy: undefined,
      }),
    ).toThrow(
      'api function environment: PRIMARY_REGION ap-south-1 is not in APP_REGIONS (us-east-1, eu-west-1)',
    );
    // a value CloudFormation resolves at deploy time cannot be checked at synth
    expect(toEnvironment('health', { tableName: '${Token[TOKEN.1]}', healthPath: '/h' })).toEqual({
      TABLE_NAME: '${Token[TOKEN.1]}',
      HEALTH_PATH: '/h',
    });
  });

  test(`the largest settings config allows stay far under Lambda's 4 KB`, () => {
    // GIVEN the longest names config accepts and 12 regions (see test/helpers/largest-config.ts;
    // test/lib/largest-config.test.ts checks the synthesized environments of that app)
    const regions = Array.from({ length: 12 }, (_, index) => `ap-southeast-${index + 1}`);
    const long = (length: number) => 'x'.repeat(length);
    const environment = toEnvironment('api', {
      regions,
      primaryRegion: regions[0]!,
      writePolicy: buildWritePolicy({
        region: regions[1]!,
        primaryRegion: regions[0]!,
        defaultHome: regions[2]!,
        phase: 'limited-write',
        limitedWriteClasses: WRITE_CLASS_NAMES,
      }),
      fencing: 'read-then-write',
      tableName: long(255),
      appName: long(40),
      publicName: long(253),
      sessionKeySecretId: `${long(40)}/session-key`,
    });
    const bytes = Object.entries(environment).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
      0,
    );
    expect(bytes).toBeLessThan(4096 / 2);
  });
});
