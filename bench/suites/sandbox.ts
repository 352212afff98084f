/**
 * The local sandbox's figures ([G], lib/ops/sandbox/): failover detection and DNS convergence,
 * replication lag p50/p99 at a fixed write rate, backlog drain time. The sandbox is built on
 * another branch; this suite holds its place in RESULTS.md and calls the sandbox's own
 * `measureSandbox` export as soon as one exists, so the figures land with [G] without a change here.
 *
 * The contract: `measureSandbox(context)` (from any module under lib/ops/sandbox/) returns either a
 * `BenchSuiteResult` (tables, checks, notes) or a flat record of figures (`{ name: number | string }`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext, BenchSuite, BenchSuiteResult } from '../harness';

const ROOT = resolve(__dirname, '..', '..');
const SANDBOX_DIR = join(ROOT, 'lib', 'ops', 'sandbox');
const EXPORT = /export\s+(?:async\s+)?(?:function\s+|const\s+)measureSandbox\b/;

export const NOT_MEASURED = 'sandbox: not measured in this run — lands with [G]';

type MeasureSandbox = (context: BenchContext) => unknown;

/** The module under lib/ops/sandbox/ that exports `measureSandbox`, if any. */
function findMeasureModule(dir = SANDBOX_DIR): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const found = findMeasureModule(path);
      if (found !== undefined) return found;
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      if (EXPORT.test(readFileSync(path, 'utf8'))) return path;
    }
  }
  return undefined;
}

function isSuiteResult(value: unknown): value is BenchSuiteResult {
  return Array.isArray((value as Partial<BenchSuiteResult> | undefined)?.tables);
}

function slot(reason: string): BenchSuiteResult {
  return {
    tables: [
      {
        columns: ['figure', 'value'],
        rows: [
          ['failover detection and DNS convergence', NOT_MEASURED],
          ['replication lag p50/p99 at a fixed write rate', NOT_MEASURED],
          ['backlog drain time', NOT_MEASURED],
        ],
      },
    ],
    notes: [reason],
  };
}

export const suite: BenchSuite = {
  name: 'sandbox',
  title: 'Sandbox: failover, DNS convergence, replication lag, backlog drain',
  description:
    "The local sandbox's figures, from its own `measureSandbox` export under lib/ops/sandbox/ ([G]): failover detection and DNS convergence, replication lag p50/p99 at a fixed write rate, backlog drain time, each against the baseline the sandbox measures in the same run.",
  async run(context) {
    const file = findMeasureModule();
    if (file === undefined) {
      context.log(NOT_MEASURED);
      return slot(
        existsSync(SANDBOX_DIR)
          ? `${NOT_MEASURED}: lib/ops/sandbox/ exports no measureSandbox yet.`
          : `${NOT_MEASURED}: lib/ops/sandbox/ is not on this branch yet.`,
      );
    }
    context.log(`sandbox: measureSandbox from ${relative(ROOT, file)}`);
    const module = (await import(pathToFileURL(file).href)) as {
      measureSandbox?: MeasureSandbox;
      default?: { measureSandbox?: MeasureSandbox };
    };
    const measureSandbox = module.measureSandbox ?? module.default?.measureSandbox;
    if (typeof measureSandbox !== 'function') {
      return slot(
        `${NOT_MEASURED}: ${relative(ROOT, file)} names measureSandbox but exports no function.`,
      );
    }
    const result = await measureSandbox(context);
    if (isSuiteResult(result)) return result;
    return {
      tables: [
        {
          columns: ['figure', 'value'],
          rows: Object.entries((result ?? {}) as Record<string, unknown>).map(([name, value]) => [
            name,
            typeof value === 'number' || typeof value === 'string' ? value : JSON.stringify(value),
          ]),
        },
      ],
      notes: [`From measureSandbox in ${relative(ROOT, file)}.`],
    };
  },
};
