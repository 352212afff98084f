import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

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
  // The AWS SDK v3 ships with the Node.js runtime; bundling it would only grow cold starts.
  externalModules: ['@aws-sdk/*'],
};

/** Function options shared by every function (entry and environment come from the caller). */
export function functionDefaults(): Omit<nodejs.NodejsFunctionProps, 'entry'> {
  return {
    runtime: FUNCTION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 512,
    timeout: Duration.seconds(10),
    handler: 'handler',
    bundling: BUNDLING,
    loggingFormat: lambda.LoggingFormat.JSON,
    projectRoot: path.join(LAMBDA_ROOT, '..'),
    depsLockFilePath: path.join(LAMBDA_ROOT, '..', 'package-lock.json'),
  };
}
