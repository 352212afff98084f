/**
 * `@redocly/cli lint` with its recommended rules (redocly.yaml: each rule turned off says why) on
 * docs/openapi.json and on a deployment's document with an OIDC provider and its own health path.
 * Offline: telemetry and update checks off. Skipped, saying why, when the CLI is not installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { renderOpenApiDocument } from '../../../../lambda/handlers/openapi/document';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

function redoclyCli(): string | undefined {
  try {
    const manifest = require.resolve('@redocly/cli/package.json', { paths: [ROOT] });
    return path.join(path.dirname(manifest), 'bin', 'cli.js');
  } catch {
    return undefined;
  }
}

interface LintReport {
  readonly totals: { errors: number; warnings: number };
  readonly problems: Array<{ ruleId: string; message: string }>;
}

function lint(cli: string, file: string): LintReport {
  const run = (): string => {
    try {
      return execFileSync(
        process.execPath,
        [cli, 'lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format=json'],
        {
          cwd: ROOT,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            REDOCLY_TELEMETRY: 'off',
            REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          },
          timeout: 120_000,
        },
      );
    } catch (error) {
      // problems exit non-zero; the JSON report is still on stdout
      return String((error as { stdout?: string }).stdout ?? '');
    }
  };
  return JSON.parse(run()) as LintReport;
}

const cli = redoclyCli();
if (cli === undefined) {
  console.log('skipping the redocly lint: @redocly/cli is not installed (npm ci installs it)');
}
const lintTest = cli === undefined ? test.skip : test;

describe('redocly lint (recommended rules)', () => {
  lintTest('docs/openapi.json: no error, no warning', () => {
    const report = lint(cli as string, path.join(ROOT, 'docs', 'openapi.json'));
    expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  lintTest(
    'a deployment with an OIDC provider and its own health path: no error, no warning',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'aa-openapi-'));
      try {
        const file = path.join(dir, 'openapi.json');
        writeFileSync(
          file,
          renderOpenApiDocument({
            appName: 'shop',
            publicName: 'api.shop.test',
            regions: ['eu-central-1', 'us-west-2'],
            healthPath: '/healthz',
            auth: { kind: 'oidc', issuer: 'https://login.shop.test' },
          }),
        );
        const report = lint(cli as string, file);
        expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual(
          [],
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
