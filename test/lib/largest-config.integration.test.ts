import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../lib/config';
import { buildTestApp } from '../helpers/app';
import { LARGEST_CONFIG_INPUT } from '../helpers/largest-config';

interface LintFinding {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
}

const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const available = cfnLint.status === 0;
if (!available) {
  console.log(
    'skipping the cfn-lint run over the largest config: cfn-lint is not on PATH (pip install cfn-lint); test/lib/largest-config.test.ts still checks function environments in TypeScript',
  );
}

/** The largest valid config, through cfn-lint: what validates must deploy. */
(available ? describe : describe.skip)('cfn-lint over the largest valid config', () => {
  let outdir: string;
  let findings: LintFinding[];
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'aa-largest-'));
    buildTestApp(parseConfig(LARGEST_CONFIG_INPUT), { outdir }).app.synth();
    const templates = readdirSync(outdir)
      .filter((name) => name.endsWith('.template.json'))
      .map((name) => path.join(outdir, name));
    expect(templates).toHaveLength(14);
    const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...templates], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    findings = JSON.parse(run.stdout || '[]') as LintFinding[];
  }, 170_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('zero errors (E3697, the 4 KB environment limit, included)', () => {
    const errors = findings
      .filter((finding) => finding.Level === 'Error')
      .map(
        (finding) => `${finding.Rule.Id} ${path.basename(finding.Filename)}: ${finding.Message}`,
      );
    expect(errors).toEqual([]);
  });

  test('warnings are only the CDK dependency style cfn-lint flags (W3005)', () => {
    const warnings = new Set(
      findings.filter((finding) => finding.Level === 'Warning').map((finding) => finding.Rule.Id),
    );
    expect([...warnings].filter((id) => id !== 'W3005')).toEqual([]);
  });
});
