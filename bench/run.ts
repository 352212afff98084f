/**
 * Benchmark runner (`npm run bench`): runs every suite in `bench/suites/*.ts` (each exports
 * `suite: BenchSuite`) and writes bench/RESULTS.md with the machine, Node version, date and one
 * section per suite. Exits non-zero when a suite's check fails.
 *
 *   npm run bench                                 all suites, rewrites bench/RESULTS.md
 *   npm run bench -- --only synth-scaling         one suite, printed only
 *   npm run bench -- --only synth-scaling --write one suite, its section replaced in RESULTS.md
 *
 * `--only` may be repeated or take a comma list; `--suite` is an alias.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
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
    if (arg === '--only' || arg === '--suite') {
      const names = argv[index + 1];
      if (names === undefined || names.startsWith('--')) {
        throw new Error(`${arg} needs a suite name, e.g. ${arg} synth-scaling`);
      }
      only.push(...names.split(',').filter((name) => name !== ''));
      index += 1;
    } else if (arg === '--write') {
      write = true;
    } else {
      throw new Error(
        `unknown argument ${JSON.stringify(arg)}; use --only <suite>[,<suite>] and --write`,
      );
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
  return suites.sort((a, b) => orderOf(a.name) - orderOf(b.name) || a.name.localeCompare(b.name));
}

/** Sections in RESULTS.md follow the request path, then the tools; other suites go last. */
const SECTION_ORDER = [
  'synth-scaling',
  'bundle-import',
  'api-handler',
  'consistency',
  'crdt-merge',
  'checker',
  'sandbox',
  'test-suite',
];

function orderOf(name: string): number {
  const index = SECTION_ORDER.indexOf(name);
  return index === -1 ? SECTION_ORDER.length : index;
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

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

function machineSummary(startLoad: string): string {
  const cpuList = cpus();
  const model = cpuList[0]?.model.trim() ?? 'unknown CPU';
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Node: ${process.version} (${process.arch})`,
    `- OS: ${platform()} ${release()}`,
    `- CPU: ${model} x ${cpuList.length}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Load average (1 / 5 / 15 min) when the run started: ${startLoad}; each section states its own. Other processes on the machine slow every figure; the ratios, measured in the same rounds, less so.`,
  ].join('\n');
}

interface SuiteRun {
  readonly suite: BenchSuite;
  readonly result: BenchSuiteResult;
  readonly startedAt: string;
  readonly seconds: number;
  readonly loadBefore: string;
  readonly loadAfter: string;
}

const SECTION_START = (name: string) => `<!-- bench:${name} -->`;
const SECTION_END = (name: string) => `<!-- /bench:${name} -->`;

function renderSection(run: SuiteRun): string {
  const { suite, result } = run;
  return [
    SECTION_START(suite.name),
    `## ${suite.title}`,
    '',
    suite.description,
    '',
    `_Suite \`${suite.name}\` (\`npm run bench -- --only ${suite.name}\`), run ${run.startedAt}, ${run.seconds.toFixed(0)} s; load average ${run.loadBefore} before, ${run.loadAfter} after._`,
    '',
    result.tables.map(renderTable).join('\n\n'),
    ...(result.checks && result.checks.length > 0 ? ['', renderChecks(result.checks)] : []),
    ...(result.notes && result.notes.length > 0
      ? ['', ...result.notes.map((note) => `> ${note}`)]
      : []),
    SECTION_END(suite.name),
  ].join('\n');
}

function renderResults(runs: readonly SuiteRun[], startLoad: string): string {
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit by hand. Ratios compare against a',
    'baseline measured in the same run, so they travel between machines better than times do.',
    'A section re-run on its own (`--only <suite> --write`) replaces only that section and says when it ran.',
    '',
    machineSummary(startLoad),
    '',
    ...runs.flatMap((run) => [renderSection(run), '']),
  ].join('\n');
}

/** Replaces (or appends) the sections of `runs` in an existing RESULTS.md. */
function spliceSections(existing: string, runs: readonly SuiteRun[]): string {
  let text = existing;
  for (const run of runs) {
    const start = text.indexOf(SECTION_START(run.suite.name));
    const endMarker = SECTION_END(run.suite.name);
    const end = text.indexOf(endMarker);
    const section = renderSection(run);
    text =
      start === -1 || end === -1
        ? `${text.trimEnd()}\n\n${section}\n`
        : `${text.slice(0, start)}${section}${text.slice(end + endMarker.length)}`;
  }
  return text;
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
  const startLoad = loadAverage();
  const runs: SuiteRun[] = [];
  for (const suite of selected) {
    process.stderr.write(`bench: ${suite.name}\n`);
    const startedAt = new Date().toISOString();
    const loadBefore = loadAverage();
    const started = performance.now();
    const result = await suite.run({
      log: (message) => process.stderr.write(`  ${message}\n`),
      measure,
    });
    const seconds = (performance.now() - started) / 1000;
    runs.push({ suite, result, startedAt, seconds, loadBefore, loadAfter: loadAverage() });
    process.stderr.write(`bench: ${suite.name} took ${seconds.toFixed(0)} s\n`);
  }
  const partial = options.only.length > 0;
  if (options.write) {
    const markdown =
      partial && existsSync(RESULTS_FILE)
        ? spliceSections(readFileSync(RESULTS_FILE, 'utf8'), runs)
        : renderResults(runs, startLoad);
    writeFileSync(RESULTS_FILE, markdown);
    process.stderr.write(`bench: wrote ${RESULTS_FILE}\n`);
  } else {
    process.stdout.write(renderResults(runs, startLoad));
  }
  const failed = runs.flatMap(({ result }) =>
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
