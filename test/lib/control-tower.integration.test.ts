import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Validations } from 'aws-cdk-lib';
import { ACKNOWLEDGED_CONTROLS } from '../../lib/constructs/control-tower';
import { buildTestApp, testConfig } from '../helpers/app';

interface Report {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }>;
    suppressedViolations?: Array<{ ruleName: string; reason?: string }>;
  }>;
}

/** Synthesize the whole app with the Control Tower proactive controls (cfn-guard) as a plugin. */
function guardReport(overrides: Parameters<typeof testConfig>[0]): Report['pluginReports'][number] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'aa-guard-'));
  try {
    const { app } = buildTestApp(testConfig(overrides), { outdir });
    Validations.of(app).addPlugins(new CfnGuardValidator({ maxBuffer: 64 * 1024 * 1024 }));
    try {
      app.synth();
    } catch {
      // a failing plugin makes synth throw; the report says why
    }
    const report = JSON.parse(
      readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'),
    ) as Report;
    const guard = report.pluginReports.find((plugin) => plugin.pluginName.includes('cfnguard'));
    if (guard === undefined) throw new Error('no cdk-validator-cfnguard report');
    return guard;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const acknowledgedRules = (guard: ReturnType<typeof guardReport>) =>
  [...new Set((guard.suppressedViolations ?? []).map((violation) => violation.ruleName))].sort();

describe('AWS Control Tower proactive controls over the whole app (cdk-validator-cfnguard)', () => {
  test('the default config: zero findings left; what remains acknowledged, each with its reason', () => {
    const guard = guardReport({ rollout: { phase: 'active-active' } });
    expect(
      guard.violations.map(
        (violation) => `${violation.ruleName}: ${violation.violatingConstructs[0]?.constructPath}`,
      ),
    ).toEqual([]);
    expect(guard.conclusion).toBe('success');
    expect(acknowledgedRules(guard)).toEqual(
      [
        ...Object.keys(ACKNOWLEDGED_CONTROLS),
        'cloudwatch_log_group_encrypted_check',
        'cloudwatch_log_group_retention_period_check',
      ].sort(),
    );
    for (const violation of guard.suppressedViolations ?? []) {
      expect(violation.reason?.length ?? 0).toBeGreaterThan(40);
    }
  }, 120_000);

  test('a Control Tower account config (365 days, a log key) needs no log acknowledgment', () => {
    const guard = guardReport({ logs: { retentionDays: 365, customerManagedKey: true } });
    expect(guard.violations).toEqual([]);
    expect(acknowledgedRules(guard)).toEqual(Object.keys(ACKNOWLEDGED_CONTROLS).sort());
  }, 120_000);
});
