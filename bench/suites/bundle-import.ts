/**
 * Cold import of each of the app's Lambda bundles (every entry of LAMBDA_ENTRIES, built with the
 * app's own esbuild options), against two baselines built and imported the same way:
 * - the SDK-only bundle: a handler that imports only the AWS SDK modules that bundle imports (read
 *   from esbuild's metafile) and nothing else. The ratio is what our own code adds to a cold
 *   start; the budget is 1.5x.
 * - a hello-world bundle (no imports), the figure this suite reported before: it mostly measures
 *   the SDK.
 * Each import runs in a fresh Node.js process, in rounds (every bundle once per round), so load on
 * the machine hits bundle and baseline alike; ratios are medians of per-round ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import {
  esbuildOptionsOf,
  LAMBDA_ENTRIES,
  LAMBDA_ROOT,
} from '../../lib/constructs/lambda-bundling';
import { fixed, median, type BenchCheck, type BenchSuite } from '../harness';

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, 'bench', '.out', 'bundle-import');
const ROUNDS = 15;
/** The issue's budget: a bundle's cold import at most 1.5x that of its SDK clients alone. */
const BUDGET_VS_SDK = 1.5;

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  /** External `@aws-sdk/*` modules the bundle imports, sorted. */
  readonly sdk: readonly string[];
  readonly importMs: number[];
  /** Environment variables the bundle reads at import time, given placeholders. */
  env?: { env: NodeJS.ProcessEnv; placeholders: string[] };
}

/** Builds `entry` with the app's options; returns the file and the AWS SDK modules it imports. */
function build(entry: string, name: string): Omit<Bundle, 'name' | 'importMs'> {
  const file = join(OUT, `${name}.mjs`);
  const result = buildSync({
    ...esbuildOptionsOf(),
    entryPoints: [entry],
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const sdk = [
    ...new Set(
      (output?.imports ?? [])
        .filter((entryImport) => entryImport.external && entryImport.path.startsWith('@aws-sdk/'))
        .map((entryImport) => entryImport.path),
    ),
  ].sort();
  return { file, bytes: statSync(file).size, sdk };
}

/** A handler importing only `modules` (kept alive, so esbuild cannot drop them). */
function sdkOnlySource(modules: readonly string[]): string {
  return [
    ...modules.map((module, index) => `import * as sdk${index} from '${module}';`),
    `const loaded = [${modules.map((_module, index) => `sdk${index}`).join(', ')}];`,
    'export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ ok: loaded.length >= 0 }) });',
    '',
  ].join('\n');
}

const BASE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function importScript(file: string): string {
  return `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
}

/**
 * The environment a bundle needs to load: functions that read a variable at import time (the
 * authorizer) get a placeholder for each one they report missing, as the deployed function has it.
 */
function environmentFor(file: string): { env: NodeJS.ProcessEnv; placeholders: string[] } {
  const env = { ...BASE_ENV };
  const placeholders: string[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', importScript(file)], {
      encoding: 'utf8',
      env,
    });
    if (result.status === 0) return { env, placeholders };
    const missing = /environment variable (\w+) is missing/.exec(result.stderr)?.[1];
    if (missing === undefined || placeholders.includes(missing)) {
      throw new Error(`importing ${file} failed: ${result.stderr.slice(-600)}`);
    }
    env[missing] = `bench-placeholder-${missing.toLowerCase()}`;
    placeholders.push(missing);
  }
  throw new Error(
    `importing ${file} kept asking for environment variables: ${placeholders.join(', ')}`,
  );
}

/** Time to import a bundle in a fresh process (module load and top-level code), in ms. */
function importOnce(file: string, env: NodeJS.ProcessEnv): number {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', importScript(file)], {
    encoding: 'utf8',
    env,
  });
  if (result.status !== 0)
    throw new Error(`importing ${file} failed: ${result.stderr.slice(-600)}`);
  return Number(result.stdout);
}

export const suite: BenchSuite = {
  name: 'bundle-import',
  title: 'Cold import of each Lambda bundle against its AWS SDK clients alone',
  description: `Size and cold import time (a fresh Node.js process per import, ${ROUNDS} rounds) of every bundle the app deploys (LAMBDA_ENTRIES in lib/constructs/lambda-bundling.ts, built with \`esbuildOptionsOf()\`, the options \`cdk synth\` uses). Baseline: for each bundle, a bundle built with the same options that imports only the same AWS SDK modules (from esbuild's metafile) and does nothing else; budget ${BUDGET_VS_SDK}x. The hello-world figure (an empty handler) is kept for comparison with earlier results.`,
  run(context) {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    try {
      const bundles: Bundle[] = Object.entries(LAMBDA_ENTRIES).map(([name, { entry }], index) => {
        context.log(`bundle-import: bundling ${name}`);
        return {
          name: `${name} (lambda/${entry})`,
          ...build(join(LAMBDA_ROOT, entry), `app-${index}`),
          importMs: [],
        };
      });
      const helloEntry = join(OUT, 'hello.ts');
      writeFileSync(helloEntry, sdkOnlySource([]));
      const hello: Bundle = {
        name: 'hello-world (no imports)',
        ...build(helloEntry, 'hello'),
        importMs: [],
      };
      const baselines = new Map<string, Bundle>();
      for (const bundle of bundles) {
        const key = bundle.sdk.join(',');
        if (baselines.has(key)) continue;
        if (bundle.sdk.length === 0) {
          baselines.set(key, hello);
          continue;
        }
        const entry = join(OUT, `sdk-${baselines.size}.ts`);
        writeFileSync(entry, sdkOnlySource(bundle.sdk));
        baselines.set(key, {
          name: `SDK only: ${bundle.sdk.join(', ')}`,
          ...build(entry, `sdk-${baselines.size}`),
          importMs: [],
        });
      }
      const everyFile = [hello, ...new Set(baselines.values())].filter(
        (bundle, index, list) => list.indexOf(bundle) === index,
      );
      const measured = [...everyFile, ...bundles];
      for (const bundle of measured) bundle.env = environmentFor(bundle.file);
      for (let round = 1; round <= ROUNDS; round += 1) {
        context.log(`bundle-import: round ${round}/${ROUNDS}`);
        for (const bundle of measured) {
          bundle.importMs.push(importOnce(bundle.file, bundle.env?.env ?? BASE_ENV));
        }
      }
      const placeholders = bundles.filter((bundle) => (bundle.env?.placeholders.length ?? 0) > 0);
      const baselineOf = (bundle: Bundle) => baselines.get(bundle.sdk.join(',')) as Bundle;
      const perRound = (bundle: Bundle, base: Bundle) =>
        median(bundle.importMs.map((ms, round) => ms / (base.importMs[round] as number)));
      const sizeChecks: BenchCheck[] = Object.entries(LAMBDA_ENTRIES).map(
        ([name, { budgetBytes }], index) => {
          const bytes = (bundles[index] as Bundle).bytes;
          return {
            description: `${name} bundle within its ${budgetBytes / 1024} KB size budget (test/lib/bundle-size.test.ts enforces it)`,
            passed: bytes <= budgetBytes,
            detail: `${fixed(bytes / 1024, 1)} KB`,
          };
        },
      );
      const importChecks: BenchCheck[] = bundles.map((bundle) => {
        const vsSdk = perRound(bundle, baselineOf(bundle));
        return {
          description: `${bundle.name.split(' (')[0]} bundle imports in at most ${BUDGET_VS_SDK}x the time of its SDK clients alone`,
          passed: vsSdk <= BUDGET_VS_SDK,
          detail: `ratio ${fixed(vsSdk)}`,
        };
      });
      return {
        tables: [
          {
            title: `Baselines (median of ${ROUNDS} fresh processes)`,
            columns: ['baseline', 'KB', 'import ms', 'vs hello-world'],
            rows: everyFile.map((bundle) => [
              bundle.name,
              fixed(bundle.bytes / 1024, 1),
              fixed(median(bundle.importMs), 1),
              fixed(perRound(bundle, hello)),
            ]),
          },
          {
            title: `Bundles (esbuild, minified ESM, AWS SDK external; median of ${ROUNDS} fresh processes)`,
            columns: [
              'bundle',
              'KB',
              'AWS SDK modules imported',
              'import ms',
              'vs SDK only (budget 1.5)',
              'vs hello-world',
            ],
            rows: bundles.map((bundle) => [
              bundle.name,
              fixed(bundle.bytes / 1024, 1),
              bundle.sdk.length === 0 ? 'none' : bundle.sdk.join(', '),
              fixed(median(bundle.importMs), 1),
              fixed(perRound(bundle, baselineOf(bundle))),
              fixed(perRound(bundle, hello), 1),
            ]),
          },
        ],
        checks: [...importChecks, ...sizeChecks],
        notes: [
          'Import time is what a cold start pays for module loading and top-level code: the AWS SDK modules a bundle imports are external and come from the Lambda runtime (here from node_modules), so the SDK-only baseline loads exactly the same SDK code and the ratio isolates our own code (and the Powertools we bundle).',
          ...(bundles.some((bundle) => bundle.sdk.length === 0)
            ? [
                'A bundle that imports no AWS SDK module is compared with the hello-world bundle, which is then its SDK-only baseline.',
              ]
            : []),
          ...placeholders.map(
            (bundle) =>
              `${bundle.name} reads ${bundle.env?.placeholders.join(', ')} at import time: placeholders were set, as the deployed function has values.`,
          ),
        ],
      };
    } finally {
      rmSync(OUT, { recursive: true, force: true });
    }
  },
};
