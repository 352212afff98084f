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
      },
      timeout: 120_000,
    },
  );
}

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
