/**
 * Building what the sandbox runs: `bin/sandbox-synth.ts` in a child process (it loads the CDK,
 * which aactl never does), writing the templates, the handler bundles and the blueprint.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Run the synth child; resolves when the blueprint is written into `outDir`. */
export function buildBlueprint(options: {
  readonly root: string;
  readonly cdkJson: string;
  readonly context: Readonly<Record<string, string>>;
  readonly outDir: string;
}): Promise<void> {
  const args = [
    '--import',
    'tsx',
    join(options.root, 'bin', 'sandbox-synth.ts'),
    '--out',
    options.outDir,
    '--cdk-json',
    options.cdkJson,
    ...Object.entries(options.context).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        // the CloudFormation schema check costs seconds and the sandbox deploys nothing
        CDK_VALIDATION: 'false',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `building the sandbox failed: ${output.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
    });
  });
}
