import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildTestApp, testConfig } from '../helpers/app';

/** Upper bound for the API bundle; the AWS SDK is provided by the runtime and not bundled. */
const MAX_BUNDLE_BYTES = 400 * 1024;

/** The one test that runs esbuild for real (all others skip bundling). */
describe('Lambda bundling (real esbuild, no Docker)', () => {
  let outdir: string;
  let assetKeys: string[];
  beforeAll(() => {
    // Inside the repo (cdk.out is git-ignored) so the bundle resolves the runtime-provided AWS SDK
    // from node_modules when the last test runs it.
    const scratch = path.join(__dirname, '..', '..', 'cdk.out');
    mkdirSync(scratch, { recursive: true });
    outdir = mkdtempSync(path.join(scratch, '.test-bundling-'));
    const { app, stacks } = buildTestApp(testConfig(), { bundle: true, outdir });
    app.synth();
    assetKeys = stacks.regions.flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map(
        (fn) => (fn.Properties.Code as { S3Key: string }).S3Key,
      ),
    );
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('every region references the same asset', () => {
    expect(assetKeys).toHaveLength(3);
    expect(new Set(assetKeys).size).toBe(1);
  });

  test('the asset is one minified ESM file under the size limit', () => {
    const assetDirs = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    const hash = assetKeys[0]!.replace(/\.zip$/, '');
    expect(assetDirs).toContain(`asset.${hash}`);
    const files = readdirSync(path.join(outdir, `asset.${hash}`));
    expect(files).toEqual(['index.mjs']);
    const file = path.join(outdir, `asset.${hash}`, 'index.mjs');
    const source = readFileSync(file, 'utf8');
    expect(statSync(file).size).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(source).toMatch(/\bexport\s*\{/);
    expect(source).not.toMatch(/\bmodule\.exports\s*=/);
    // minified: few, long lines
    expect(source.split('\n').length).toBeLessThan(20);
  });

  test('the bundle runs in plain Node.js: /health answers 503 when the replica is unreachable', () => {
    const hash = assetKeys[0]!.replace(/\.zip$/, '');
    const entry = path.join(outdir, `asset.${hash}`, 'index.mjs');
    const script = `
      const { handler } = await import(${JSON.stringify(entry)});
      const result = await handler({
        rawPath: '/health', headers: {}, isBase64Encoded: false,
        requestContext: { http: { method: 'GET' }, requestId: 'r-1' },
      });
      console.log(JSON.stringify(result));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 'active-active-data',
        APP_REGIONS: 'us-east-1,eu-west-1',
        PRIMARY_REGION: 'us-east-1',
        HEALTH_TIMEOUT_MS: '500',
        // nothing listens on port 9: the read fails fast
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
      },
    });
    const result = JSON.parse(output.trim().split('\n').pop()!) as {
      statusCode: number;
      body: string;
    };
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'unavailable', region: 'eu-west-1' });
  });
});
