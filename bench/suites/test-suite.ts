/**
 * How long the two test tiers take: `npm test` (the fast tier) and `npm run test:integration`, each
 * run as a child process and timed, with jest's per-file times (test/setup/quiet-reporter.cjs
 * writes them all to JEST_TIMINGS_FILE and prints the ten slowest, which this suite parses).
 *
 * `npm test` runs first with cold caches, as on a fresh clone after `npm ci`: the ESLint, Prettier
 * and tsc caches in node_modules/.cache removed and a fresh TMPDIR, so jest's transform cache is
 * empty too. Then again with the caches warm (a developer's second run), and once with the
 * checks run one after the other as `npm test` did before they ran side by side.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixed, ratio, type BenchCheck, type BenchSuite, type BenchTable } from '../harness';

const ROOT = resolve(__dirname, '..', '..');
const RESULTS_FILE = resolve(__dirname, '..', 'RESULTS.md');
const FAST_BUDGET_S = 120;
const INTEGRATION_BUDGET_S = 480;
const LINT_CACHES = ['eslint', 'prettier', 'tsc'].map((name) =>
  join(ROOT, 'node_modules', '.cache', name),
);

interface TierRun {
  readonly name: string;
  readonly seconds: number;
  /** User + system CPU seconds of every process the run started (bash `times`), if known. */
  readonly cpuSeconds: number | undefined;
  readonly status: number | null;
  /** jest's "Tests:" line. */
  readonly tests: string;
  /** Every test file's time (s), from JEST_TIMINGS_FILE. */
  readonly files: ReadonlyArray<{ file: string; seconds: number }>;
  /** The slowest files as the reporter printed them. */
  readonly slowest: ReadonlyArray<{ file: string; seconds: number }>;
  /** `> npm run lint: ok in 20.1 s` lines of test/setup/run-parallel.cjs. */
  readonly steps: string[];
  readonly tail: string;
}

function runTier(name: string, command: string, options: { coldCaches: boolean }): TierRun {
  const scratch = mkdtempSync(join(tmpdir(), 'aa-bench-tests-'));
  const timings = join(scratch, 'timings.json');
  if (options.coldCaches) {
    for (const cache of LINT_CACHES) rmSync(cache, { recursive: true, force: true });
  }
  const env: NodeJS.ProcessEnv = { ...process.env, JEST_TIMINGS_FILE: timings, CI: 'true' };
  // a fresh TMPDIR: jest keeps its transform cache in the temp directory
  if (options.coldCaches) env.TMPDIR = scratch;
  const started = performance.now();
  // bash's `times` reports the CPU time of every child it waited for (and theirs): load on the
  // machine stretches wall time, far less CPU time
  const result = spawnSync('bash', ['-c', `${command}; status=$?; times >&2; exit $status`], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const files = existsSync(timings)
    ? (JSON.parse(readFileSync(timings, 'utf8')) as Array<{ file: string; seconds: number }>)
    : [];
  rmSync(scratch, { recursive: true, force: true });
  return {
    name,
    seconds,
    cpuSeconds: childCpuSeconds(result.stderr ?? ''),
    status: result.status,
    tests: /^Tests:\s+(.*)$/m.exec(output)?.[1]?.trim() ?? 'no jest summary',
    files,
    slowest: parseSlowest(output),
    steps: output.split('\n').filter((line) => line.startsWith('> npm run ')),
    tail: output.trim().split('\n').slice(-15).join('\n'),
  };
}

/** The children's line of bash `times` (the last line: `2m51.298s 0m10.251s`), user + system. */
function childCpuSeconds(stderr: string): number | undefined {
  const last = stderr.trim().split('\n').pop() ?? '';
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(last.trim());
  if (match === null) return undefined;
  const [, userMin, userSec, sysMin, sysSec] = match.map(Number) as number[];
  return (
    (userMin as number) * 60 + (userSec as number) + (sysMin as number) * 60 + (sysSec as number)
  );
}

/** The block the quiet reporter prints: `Slowest 10 test files:` then `  12.3 s  test/...`. */
export function parseSlowest(output: string): Array<{ file: string; seconds: number }> {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => /^Slowest \d+ test files?:$/.test(line.trim()));
  if (start === -1) return [];
  const rows: Array<{ file: string; seconds: number }> = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+([\d.]+) s\s+(\S+)$/.exec(line);
    if (match === null) break;
    rows.push({ seconds: Number(match[1]), file: match[2] as string });
  }
  return rows;
}

/** The cold `npm test` wall time of the previous RESULTS.md, if it has one. */
function previousColdSeconds(): number | undefined {
  if (!existsSync(RESULTS_FILE)) return undefined;
  const match = /^\| npm test, cold caches[^|]*\| ([\d.]+) \|/m.exec(
    readFileSync(RESULTS_FILE, 'utf8'),
  );
  return match === null ? undefined : Number(match[1]);
}

function javaMissing(): string | undefined {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return java.error === undefined && java.status === 0
    ? undefined
    : `java not found (${java.error?.message ?? `exit ${java.status}`}): DynamoDB Local cannot run, so npm run test:integration was not timed`;
}

export const suite: BenchSuite = {
  name: 'test-suite',
  title: 'Test tiers: npm test and npm run test:integration wall time, slowest files',
  description: `Wall time of \`npm test\` (lint and tsc side by side, then jest with 2 workers) and \`npm run test:integration\`, each a timed child process, with jest's slowest files as the quiet reporter prints them. Baseline: the sum of jest's per-file times in the same run (what one process would take running the files one after another; the ratio shows what the 2 workers and the side-by-side checks win), and the cold figure of the previous RESULTS.md where there is one. Budgets: npm test from cold caches under ${FAST_BUDGET_S} s, the integration tier under ${INTEGRATION_BUDGET_S / 60} minutes.`,
  run(context) {
    const previous = previousColdSeconds();
    context.log('test-suite: npm test, cold caches (as a fresh clone after npm ci)');
    const cold = runTier('npm test, cold caches (fresh clone after npm ci)', 'npm test', {
      coldCaches: true,
    });
    context.log('test-suite: npm test, warm caches');
    const warm = runTier('npm test, warm caches (second run)', 'npm test', { coldCaches: false });
    context.log('test-suite: checks one after the other, cold caches (npm test before [H])');
    const sequential = runTier(
      'lint, then tsc, then jest, cold caches (npm test before the checks ran side by side)',
      'npm run lint && npm run typecheck && npm run jest',
      { coldCaches: true },
    );
    const noJava = javaMissing();
    let integration: TierRun | undefined;
    if (noJava === undefined) {
      context.log('test-suite: npm run test:integration');
      integration = runTier('npm run test:integration', 'npm run test:integration', {
        coldCaches: false,
      });
    } else {
      context.log(`test-suite: ${noJava}`);
    }
    const fast = [cold, warm, sequential];
    const tiers = integration === undefined ? fast : [...fast, integration];
    for (const tier of tiers) {
      if (tier.status !== 0)
        context.log(`test-suite: ${tier.name} exited ${tier.status}:\n${tier.tail}`);
    }
    const sum = (tier: TierRun) => tier.files.reduce((total, file) => total + file.seconds, 0);
    const checks: BenchCheck[] = [
      {
        description: `npm test from cold caches passes in under ${FAST_BUDGET_S} s on this machine`,
        passed: cold.status === 0 && cold.seconds < FAST_BUDGET_S,
        detail: `${fixed(cold.seconds, 1)} s, exit ${cold.status}, ${cold.tests}`,
      },
      {
        description: `npm test from cold caches needs under ${FAST_BUDGET_S} s of both cores (CPU s / 2: the floor on an idle machine, little moved by other load)`,
        passed: cold.cpuSeconds !== undefined && cold.cpuSeconds / 2 < FAST_BUDGET_S,
        detail:
          cold.cpuSeconds === undefined
            ? 'CPU time not measured'
            : `${fixed(cold.cpuSeconds / 2, 1)} s`,
      },
      // a skipped integration tier is reported in the notes, neither passed nor failed
      ...(integration === undefined
        ? []
        : [
            {
              description: `npm run test:integration passes in under ${INTEGRATION_BUDGET_S / 60} minutes`,
              passed: integration.status === 0 && integration.seconds < INTEGRATION_BUDGET_S,
              detail: `${fixed(integration.seconds, 1)} s, exit ${integration.status}, ${integration.tests}`,
            },
          ]),
    ];
    const tables: BenchTable[] = [
      {
        columns: [
          'run',
          'wall s',
          'CPU s (user + sys)',
          'CPU s / 2 cores',
          'exit',
          'tests',
          'jest files',
          'sum of per-file s (baseline)',
          'wall vs sum',
          'vs previous cold run',
        ],
        rows: tiers.map((tier) => [
          tier.name,
          fixed(tier.seconds, 1),
          tier.cpuSeconds === undefined ? 'n/a' : fixed(tier.cpuSeconds, 1),
          tier.cpuSeconds === undefined ? 'n/a' : fixed(tier.cpuSeconds / 2, 1),
          String(tier.status),
          tier.tests,
          tier.files.length,
          fixed(sum(tier), 1),
          ratio(tier.seconds, sum(tier)),
          tier === cold && previous !== undefined ? ratio(tier.seconds, previous) : '',
        ]),
      },
      {
        title: 'Checks in npm test (cold run; test/setup/run-parallel.cjs runs them side by side)',
        columns: ['step'],
        rows: cold.steps.map((step) => [step.replace(/^> /, '')]),
      },
      ...[cold, ...(integration === undefined ? [] : [integration])].map((tier) => ({
        title: `Slowest files, ${tier.name} (as the quiet reporter printed them)`,
        columns: ['s', 'file'],
        rows: tier.slowest.map((row) => [fixed(row.seconds, 1), row.file]),
      })),
    ];
    return {
      tables,
      checks,
      notes: [
        '"CPU s / 2 cores" is what the run would take if it kept both cores of this 2-core machine busy and nothing else ran: a floor for the wall time on an idle machine, and a figure other processes barely move. The wall time includes waiting for any other load on the machine (the load averages above).',
        'Per-file times are jest\'s own (start to end of each file in its worker); with two workers and the checks running beside jest\'s start, they include waiting for the CPU, so judge by the total. "wall vs sum" near 0.5 means both cores were busy the whole run.',
        ...(previous === undefined
          ? ['No previous cold figure in RESULTS.md to compare with.']
          : [
              `Previous cold run: ${fixed(previous, 1)} s (from the RESULTS.md this run replaced).`,
            ]),
        ...(noJava === undefined ? [] : [noJava]),
      ],
    };
  },
};
