import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { FUNCTION_DEFAULTS } from '../config/defaults';

/** Root of the Lambda sources. */
export const LAMBDA_ROOT = path.join(__dirname, '..', '..', 'lambda');

/** The Node.js runtime every function uses (the latest Lambda offers). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Bundling shared by every function: local esbuild (never Docker), minified ESM, one file.
 * Keeping these options identical in every region makes the asset hash identical, so the CDK
 * bundles each entry once per synth however many regions there are.
 */
export const BUNDLING: nodejs.BundlingOptions = {
  format: nodejs.OutputFormat.ESM,
  minify: true,
  sourceMap: false,
  target: 'node24',
  mainFields: ['module', 'main'],
  // ESM output needs `require` for the few CommonJS dependencies that call it.
  banner:
    "import { createRequire as __aaCreateRequire } from 'module';const require = __aaCreateRequire(import.meta.url);",
  forceDockerBundling: false,
  // esbuild prints its summary only on problems (the output, and so the asset hash, is the same).
  logLevel: nodejs.LogLevel.WARNING,
  // The AWS SDK v3 ships with the Node.js runtime; bundling it would only grow cold starts.
  externalModules: ['@aws-sdk/*'],
};

/** Function options shared by every function (entry and environment come from the caller). */
export function functionDefaults(): Omit<nodejs.NodejsFunctionProps, 'entry'> {
  return {
    runtime: FUNCTION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    memorySize: FUNCTION_DEFAULTS.memoryMb,
    timeout: Duration.seconds(FUNCTION_DEFAULTS.timeoutSeconds),
    handler: 'handler',
    bundling: BUNDLING,
    loggingFormat: lambda.LoggingFormat.JSON,
    projectRoot: path.join(LAMBDA_ROOT, '..'),
    depsLockFilePath: path.join(LAMBDA_ROOT, '..', 'package-lock.json'),
  };
}

/** The entry points the app bundles, relative to `lambda/`, with each bundle's size budget. */
export const LAMBDA_ENTRIES = {
  api: { entry: 'handlers/api.ts', budgetBytes: 250 * 1024 },
  health: { entry: 'handlers/health-function.ts', budgetBytes: 40 * 1024 },
  authorizer: { entry: 'authorizer/index.ts', budgetBytes: 40 * 1024 },
  'conflict feed': { entry: 'handlers/stream.ts', budgetBytes: 100 * 1024 },
  heartbeat: { entry: 'handlers/heartbeat.ts', budgetBytes: 100 * 1024 },
  'rollout guard': { entry: 'rollout-guard/index.ts', budgetBytes: 100 * 1024 },
  'health check lookup': { entry: 'health-check-lookup/index.ts', budgetBytes: 40 * 1024 },
} as const;

/**
 * `BUNDLING` as plain esbuild build options, so a bundle built outside the CDK (the size test,
 * the benchmarks, the sandbox) is byte for byte what `cdk synth` builds.
 */
export function esbuildOptionsOf(bundling: nodejs.BundlingOptions = BUNDLING): {
  bundle: true;
  platform: 'node';
  format: 'esm' | 'cjs';
  minify: boolean;
  sourcemap: boolean;
  target?: string;
  mainFields?: string[];
  external: string[];
  banner?: { js: string };
  logLevel: 'warning' | 'info' | 'error' | 'silent' | 'debug' | 'verbose';
} {
  return {
    bundle: true,
    platform: 'node',
    format: bundling.format === nodejs.OutputFormat.ESM ? 'esm' : 'cjs',
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    ...(bundling.target === undefined ? {} : { target: bundling.target }),
    ...(bundling.mainFields === undefined ? {} : { mainFields: bundling.mainFields }),
    external: bundling.externalModules ?? [],
    ...(bundling.banner === undefined ? {} : { banner: { js: bundling.banner } }),
    logLevel: bundling.logLevel ?? 'info',
  };
}
