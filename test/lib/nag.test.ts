import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTestApp, testConfig } from '../helpers/app';

interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations: Array<{ ruleName: string; reason?: string; acknowledgedAt?: string }>;
  }>;
}

describe('cdk-nag (AwsSolutions) over the whole app', () => {
  let report: ValidationReport;
  beforeAll(() => {
    // GIVEN the app with the same checks bin/app.ts registers WHEN it is synthesized
    const outdir = mkdtempSync(path.join(tmpdir(), 'aa-nag-'));
    const { app } = buildTestApp(testConfig({ rollout: { phase: 'active-active' } }), {
      nag: true,
      outdir,
    });
    app.synth();
    report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  });

  test('reports zero unacknowledged findings', () => {
    const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');
    expect(nag).toBeDefined();
    expect(nag?.violations).toEqual([]);
    expect(nag?.conclusion).toBe('success');
  });

  test('every acknowledgment carries a written reason', () => {
    const acknowledged = report.pluginReports.flatMap((plugin) => plugin.suppressedViolations);
    for (const violation of acknowledged) {
      expect(violation.reason?.trim().length ?? 0).toBeGreaterThan(20);
    }
  });
});
