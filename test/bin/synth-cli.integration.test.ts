import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function cdkSynth(...args: string[]) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'aa-synth-'));
  return spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk'),
      'synth',
      '--quiet',
      '-o',
      outdir,
      ...args,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        // no credentials: synth must not need them
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: 'no-such-profile',
        // the real synth validates templates, as a user's does (test/setup/env.ts turns it off)
        CDK_VALIDATION: 'true',
      },
      timeout: 120_000,
    },
  );
}

describe('cdk synth with the shipped config', () => {
  test('needs no credentials or network, bundles once, and passes CloudFormation validation', () => {
    const result = cdkSynth();
    if (result.status !== 0) throw new Error(`cdk synth failed:\n${result.stderr}`);
    // With CI=true the CDK CLI writes its progress to stdout instead of stderr: read both.
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toContain('Successfully synthesized');
    // aws-cdk-lib validates every template against the CloudFormation schema (unit tests turn
    // that off for speed, test/setup/env.ts): here it runs, and reports nothing.
    expect(output).not.toMatch(/Template validation found issues/);
  });
});

describe('cdk synth with a bad config', () => {
  test.each([
    [
      'activeActive.healthCheck.failureThreshold=12',
      'activeActive.healthCheck.failureThreshold must be an integer 1-10, got 12',
    ],
    [
      'activeActive.primaryRegion=eu-central-1',
      'activeActive.primaryRegion must be one of regions (us-east-1, eu-west-1, ap-southeast-2), got "eu-central-1"',
    ],
  ])('-c %s exits non-zero with one line naming the key', (override, expected) => {
    const result = cdkSynth('-c', override);
    expect(result.status).not.toBe(0);
    const configLines = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('config error:'));
    expect(configLines).toEqual([`config error: ${expected}`]);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
