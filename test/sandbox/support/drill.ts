import { defaultGateways } from '../../../lib/ops/cli/context';
import { runCli } from '../../../lib/ops/cli/program';
import { healthTimings } from '../../../lib/ops/sandbox/measure';
import type { Sandbox } from '../../../lib/ops/sandbox/sandbox';
import { testCliDeps } from '../../ops/support/cli-harness';

/** What a drill against the sandbox reported. */
export interface SandboxDrill {
  readonly code: number;
  readonly intervalSecondsScaled: number;
  readonly report: {
    outcome: string;
    restore: Record<string, unknown>;
    timings: { detectionSeconds: number; dnsConvergenceSeconds: number; holdSeconds: number };
  };
  readonly stderr: string;
}

/** Run `aactl drill fail --method drain` against the sandbox, with the real gateways and clock. */
export async function runSandboxDrill(sandbox: Sandbox, region: string): Promise<SandboxDrill> {
  const { deps, stdout, stderr } = testCliDeps({
    cwd: sandbox.dir,
    env: { AWS_ACCESS_KEY_ID: 'sandbox', AWS_SECRET_ACCESS_KEY: 'sandbox' },
    identity: { pid: process.pid, hostname: 'sandbox-test' },
    makeGateways: defaultGateways,
    version: 'sandbox',
  });
  const code = await runCli(
    [
      '--cdk-json',
      `${sandbox.dir}/../../cdk.json`,
      '-c',
      'activeActive.rollout.phase=active-active',
      '--endpoint-url',
      sandbox.endpoints.awsEndpoint,
      'drill',
      'fail',
      '--region',
      region,
      '--method',
      'drain',
      '--execute',
      '--yes',
      '--hold',
      '1s',
      '--poll',
      '200ms',
      '--observe-timeout',
      '30s',
      '--report-file',
      `${sandbox.dir}/drill-report.json`,
      '--json',
    ],
    deps,
  );
  const parsed = JSON.parse(stdout.text || '{}') as { report?: SandboxDrill['report'] };
  if (parsed.report === undefined) {
    throw new Error(`the drill printed no report (exit ${code}): ${stderr.text}`);
  }
  return {
    code,
    intervalSecondsScaled: healthTimings(sandbox).intervalSeconds,
    report: parsed.report,
    stderr: stderr.text,
  };
}
