/**
 * Synth time against the number of regions, with real esbuild bundling: the whole app (data
 * stack, one stack per region, global stack) synthesized in a fresh process with 2 regions (the
 * baseline, measured in the same run) and with 6. Every region uses the same asset per function,
 * so bundling runs once per entry however many regions there are; only the templates grow.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixed, type BenchCheck, type BenchSuite } from '../harness';

const ROOT = resolve(__dirname, '..', '..');
const RUNS = 3;
const SETUPS: Array<{ name: string; regions: string[] }> = [
  { name: '2 regions (baseline)', regions: ['us-east-1', 'eu-west-1'] },
  {
    name: '6 regions',
    regions: [
      'us-east-1',
      'eu-west-1',
      'ap-southeast-2',
      'us-west-2',
      'eu-central-1',
      'ap-northeast-1',
    ],
  },
];
const MAX_RATIO = 1.6;

function synthOnce(regions: readonly string[]): { ms: number; bundlings: number; stacks: number } {
  const outdir = mkdtempSync(join(tmpdir(), 'aa-bench-synth-'));
  const context = {
    'activeActive.regions': regions.join(','),
    'activeActive.primaryRegion': regions[0],
  };
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'bin', 'app.ts')],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ ...readCdkContext(), ...context }),
        CDK_DISABLE_CLI_TELEMETRY: 'true',
      },
    },
  );
  const ms = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`synth with ${regions.length} regions failed: ${result.stderr.slice(-500)}`);
  }
  const output = `${result.stdout}\n${result.stderr}`;
  const bundlings = (output.match(/Bundling asset/g) ?? []).length;
  const stacks = readdirSync(outdir).filter((file) => file.endsWith('.template.json')).length;
  rmSync(outdir, { recursive: true, force: true });
  return { ms, bundlings, stacks };
}

function readCdkContext(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- cdk.json is plain JSON
  return (require(join(ROOT, 'cdk.json')) as { context: Record<string, unknown> }).context;
}

export const suite: BenchSuite = {
  name: 'synth-scaling',
  title: 'Synth time against the number of regions (real bundling)',
  description:
    'Wall time of a full `cdk synth` of the app (bin/app.ts in a fresh process, real esbuild bundling, cdk-nag included) with 6 regions against 2 regions measured in the same run (median of 3 each), and how many times esbuild ran. Bundling once per entry keeps the growth to the templates themselves.',
  run(context) {
    const rows = SETUPS.map((setup) => {
      const runs = Array.from({ length: RUNS }, () => {
        context.log(`synth-scaling: ${setup.name}`);
        return synthOnce(setup.regions);
      });
      const times = runs.map((run) => run.ms).sort((a, b) => a - b);
      return {
        ...setup,
        ms: times[RUNS >> 1] as number,
        bundlings: runs[0]?.bundlings ?? 0,
        stacks: runs[0]?.stacks ?? 0,
      };
    });
    const [base, wide] = rows as [(typeof rows)[number], (typeof rows)[number]];
    const checks: BenchCheck[] = [
      {
        description: `synth with 6 regions takes at most ${MAX_RATIO}x the time of 2 regions`,
        passed: wide.ms / base.ms <= MAX_RATIO,
        detail: `ratio ${fixed(wide.ms / base.ms)}`,
      },
      {
        description: 'esbuild runs once per Lambda entry, not once per region',
        passed: wide.bundlings === base.bundlings,
        detail: `${base.bundlings} bundlings with 2 regions, ${wide.bundlings} with 6`,
      },
    ];
    return {
      tables: [
        {
          columns: ['app', 'stacks', 'esbuild runs', 'synth s (median)', 'vs baseline'],
          rows: rows.map((row) => [
            row.name,
            row.stacks,
            row.bundlings,
            fixed(row.ms / 1000),
            fixed(row.ms / base.ms),
          ]),
        },
      ],
      checks,
    };
  },
};
