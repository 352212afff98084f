import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RegionStack } from '../../lib/stacks/region-stack';
import { buildTestApp, testConfig } from '../helpers/app';

/** Upper bound for each bundle; the AWS SDK is provided by the runtime and not bundled. */
const MAX_BUNDLE_BYTES = 400 * 1024;

/** Entries bundled with esbuild, and how to find each one's function in a region stack. */
const ENTRIES = {
  api: (stack: RegionStack) => stack.api.function,
  health: (stack: RegionStack) => stack.api.health.function,
  stream: (stack: RegionStack) => stack.conflictFeed.function,
} as const satisfies Record<string, (stack: RegionStack) => IFunction>;
type Entry = keyof typeof ENTRIES;

interface FunctionResource {
  Properties: { Code: { S3Key: string }; Environment?: { Variables?: Record<string, string> } };
}

function resourceOf(stack: RegionStack, fn: IFunction): FunctionResource {
  const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnResource);
  return Template.fromStack(stack).toJSON().Resources[logicalId] as FunctionResource;
}

function s3KeyOf(stack: RegionStack, fn: IFunction): string {
  return resourceOf(stack, fn).Properties.Code.S3Key;
}

/** The one test that runs esbuild for real (all others skip bundling). */
describe('Lambda bundling (real esbuild, no Docker)', () => {
  let outdir: string;
  let assetKeys: Record<Entry, string[]>;
  /** The health function's environment as deployed in eu-west-1. */
  let healthEnvironment: Record<string, string>;
  const bundleOf = (entry: Entry) =>
    path.join(outdir, `asset.${assetKeys[entry][0]!.replace(/\.zip$/, '')}`);
  beforeAll(() => {
    // Inside the repo (cdk.out is git-ignored) so the bundle resolves the runtime-provided AWS SDK
    // from node_modules when the last test runs it.
    const scratch = path.join(__dirname, '..', '..', 'cdk.out');
    mkdirSync(scratch, { recursive: true });
    outdir = mkdtempSync(path.join(scratch, '.test-bundling-'));
    const { app, stacks } = buildTestApp(testConfig(), { bundle: true, outdir });
    // The CDK announces each bundle on stderr: keep it for a failure, not for a passing run.
    const announced: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      announced.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      app.synth();
    } catch (error) {
      write(announced.join(''));
      throw error;
    } finally {
      process.stderr.write = write;
    }
    assetKeys = {
      api: stacks.regions.map((stack) => s3KeyOf(stack, ENTRIES.api(stack))),
      health: stacks.regions.map((stack) => s3KeyOf(stack, ENTRIES.health(stack))),
      stream: stacks.regions.map((stack) => s3KeyOf(stack, ENTRIES.stream(stack))),
    };
    const euWest1 = stacks.regions[1]!;
    healthEnvironment =
      resourceOf(euWest1, ENTRIES.health(euWest1)).Properties.Environment?.Variables ?? {};
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test.each(Object.keys(ENTRIES) as Entry[])(
    'every region references the same %s asset',
    (entry) => {
      expect(assetKeys[entry]).toHaveLength(3);
      expect(new Set(assetKeys[entry]).size).toBe(1);
    },
  );

  test('each entry has its own asset', () => {
    expect(new Set([assetKeys.api[0], assetKeys.health[0], assetKeys.stream[0]]).size).toBe(3);
  });

  test.each(Object.keys(ENTRIES) as Entry[])(
    'the %s asset is one minified ESM file under the size limit',
    (entry) => {
      const dir = bundleOf(entry);
      expect(readdirSync(outdir)).toContain(path.basename(dir));
      expect(readdirSync(dir)).toEqual(['index.mjs']);
      const file = path.join(dir, 'index.mjs');
      const source = readFileSync(file, 'utf8');
      expect(statSync(file).size).toBeLessThan(MAX_BUNDLE_BYTES);
      expect(source).toMatch(/\bexport\s*\{/);
      expect(source).not.toMatch(/\bmodule\.exports\s*=/);
      // minified: long lines (template literals and legal comments keep a few line breaks)
      expect(source.length / source.split('\n').length).toBeGreaterThan(1_000);
    },
  );

  test('the health bundle runs in plain Node.js: /health answers 503 when the replica is unreachable', () => {
    const entry = path.join(bundleOf('health'), 'index.mjs');
    const script = `
      const { handler } = await import(${JSON.stringify(entry)});
      const result = await handler({
        rawPath: '/health', headers: {}, isBase64Encoded: false,
        requestContext: { http: { method: 'GET' }, requestId: 'r-1' },
      });
      console.log(JSON.stringify(result));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // exactly what the stack deploys, plus what the Lambda runtime sets
        ...healthEnvironment,
        AWS_REGION: 'eu-west-1',
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
