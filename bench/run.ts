/**
 * Benchmark runner (`npm run bench`): runs every suite in `bench/suites/*.ts` (each exports
 * `suite: BenchSuite`) and writes bench/RESULTS.md with the machine, Node version, date and one
 * section per suite. Exits non-zero when a suite's check fails.
 *
 *   npm run bench                       all suites, rewrites bench/RESULTS.md
 *   npm run bench -- --suite crdt-merge  one suite, printed only (add --write to save it)
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  measure,
  type BenchCheck,
  type BenchSuite,
  type BenchSuiteResult,
  type BenchTable,
} from './harness';

const SUITES_DIR = resolve(__dirname, 'suites');
const RESULTS_FILE = resolve(__dirname, 'RESULTS.md');

interface Options {
  readonly only: readonly string[];
  readonly write: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const only: string[] = [];
  let write = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--suite') {
      const name = argv[index + 1];
      if (name === undefined) {
        throw new Error('--suite needs a suite name, e.g. --suite crdt-merge');
      }
      only.push(name);
      index += 1;
    } else if (arg === '--write') {
      write = true;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; use --suite <name> or --write`);
    }
  }
  return { only, write: write || only.length === 0 };
}

function isSuite(value: unknown): value is BenchSuite {
  const candidate = value as Partial<BenchSuite> | undefined;
  return (
    typeof candidate?.name === 'string' &&
    typeof candidate.title === 'string' &&
    typeof candidate.run === 'function'
  );
}

async function discoverSuites(): Promise<BenchSuite[]> {
  const files = readdirSync(SUITES_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort();
  const suites: BenchSuite[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(SUITES_DIR, file)).href)) as {
      suite?: unknown;
      default?: { suite?: unknown };
    };
    const suite = module.suite ?? module.default?.suite;
    if (!isSuite(suite)) {
      throw new Error(
        `bench/suites/${file} must export \`suite\` (a BenchSuite with name, title, description and run)`,
      );
    }
    suites.push(suite);
  }
  const names = new Set<string>();
  for (const suite of suites) {
    if (names.has(suite.name)) {
      throw new Error(`two benchmark suites are named ${suite.name}; rename one`);
    }
    names.add(suite.name);
  }
  return suites;
}

function renderTable(table: BenchTable): string {
  const lines = [
    ...(table.title === undefined ? [] : [`**${table.title}**`, '']),
    `| ${table.columns.join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(String).join(' | ')} |`),
  ];
  return lines.join('\n');
}

function renderChecks(checks: readonly BenchCheck[]): string {
  return checks
    .map((check) => `- ${check.passed ? 'PASS' : 'FAIL'}: ${check.description} (${check.detail})`)
    .join('\n');
}

function machineSummary(): string {
  const cpuList = cpus();
  const model = cpuList[0]?.model.trim() ?? 'unknown CPU';
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Node: ${process.version} (${process.arch})`,
    `- OS: ${platform()} ${release()}`,
    `- CPU: ${model} x ${cpuList.length}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  ].join('\n');
}

function renderResults(
  results: readonly { suite: BenchSuite; result: BenchSuiteResult }[],
): string {
  const sections = results.map(({ suite, result }) =>
    [
      `## ${suite.title}`,
      '',
      suite.description,
      '',
      result.tables.map(renderTable).join('\n\n'),
      ...(result.checks && result.checks.length > 0 ? ['', renderChecks(result.checks)] : []),
      ...(result.notes && result.notes.length > 0
        ? ['', ...result.notes.map((note) => `> ${note}`)]
        : []),
    ].join('\n'),
  );
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit by hand. Ratios compare against a',
    'baseline measured in the same run, so they travel between machines better than times do.',
    '',
    machineSummary(),
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const all = await discoverSuites();
  const unknown = options.only.filter((name) => !all.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown suite ${unknown.join(', ')}; available: ${all.map((suite) => suite.name).join(', ')}`,
    );
  }
  const selected =
    options.only.length === 0 ? all : all.filter((suite) => options.only.includes(suite.name));
  const results: { suite: BenchSuite; result: BenchSuiteResult }[] = [];
  for (const suite of selected) {
    process.stderr.write(`bench: ${suite.name}\n`);
    const result = await suite.run({
      log: (message) => process.stderr.write(`  ${message}\n`),
      measure,
    });
    results.push({ suite, result });
  }
  const markdown = renderResults(results);
  if (options.write) {
    writeFileSync(RESULTS_FILE, markdown);
    process.stderr.write(`bench: wrote ${RESULTS_FILE}\n`);
  } else {
    process.stdout.write(markdown);
  }
  const failed = results.flatMap(({ result }) =>
    (result.checks ?? []).filter((check) => !check.passed),
  );
  if (failed.length > 0) {
    process.stderr.write(`bench: ${failed.length} check(s) failed:\n${renderChecks(failed)}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
