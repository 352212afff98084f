#!/usr/bin/env node
/**
 * Builds what the local sandbox runs, in a process of its own (so aactl and lib/ops never load
 * the CDK): the app's templates, synthesized by `buildApp` with bundling skipped, and the handler
 * bundles, built with the app's own esbuild options (`esbuildOptionsOf`), plus the sandbox's
 * region host. Writes `blueprint.json` into `--out`.
 *
 *   node --import tsx bin/sandbox-synth.ts --out .sandbox/build [--cdk-json cdk.json] [-c key=value]...
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { buildApp } from '../lib/app';
import { CONTEXT_KEY, ConfigError, configFromContext } from '../lib/config';
import { esbuildOptionsOf, LAMBDA_ENTRIES, LAMBDA_ROOT } from '../lib/constructs/lambda-bundling';
import {
  BLUEPRINT_FILE,
  type Blueprint,
  type BlueprintStack,
  type BundleName,
} from '../lib/ops/sandbox/blueprint';

interface Args {
  readonly out: string;
  readonly cdkJson: string;
  readonly context: Record<string, string>;
}

function parseArgs(argv: readonly string[]): Args {
  let out: string | undefined;
  let cdkJson = 'cdk.json';
  const context: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    const value = argv[index + 1];
    if (value === undefined) throw new Error(`${String(arg)} needs a value`);
    if (arg === '--out') out = value;
    else if (arg === '--cdk-json') cdkJson = value;
    else if (arg === '-c' || arg === '--context') {
      const at = value.indexOf('=');
      if (at <= 0) throw new Error(`-c expects key=value, got ${JSON.stringify(value)}`);
      context[value.slice(0, at)] = value.slice(at + 1);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)}`);
    index += 1;
  }
  if (out === undefined) throw new Error('--out <dir> is required');
  return { out: resolve(out), cdkJson: resolve(cdkJson), context };
}

function logicalIdOf(element: unknown): string {
  const cfn = element as CfnElement;
  return Stack.of(cfn).resolve(cfn.logicalId) as string;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cdkJson = JSON.parse(readFileSync(args.cdkJson, 'utf8')) as {
    context?: Record<string, unknown>;
  };
  rmSync(args.out, { recursive: true, force: true });
  mkdirSync(args.out, { recursive: true });
  const assemblyDir = join(args.out, 'assembly');

  const synthStarted = Date.now();
  const app = new App({
    outdir: assemblyDir,
    context: { ...cdkJson.context, ...args.context, 'aws:cdk:bundling-stacks': [] },
  });
  if (app.node.tryGetContext(CONTEXT_KEY) === undefined) {
    throw new ConfigError(`${args.cdkJson} has no "${CONTEXT_KEY}" in its context`);
  }
  const config = configFromContext(app.node);
  const stacks = buildApp(app, config);
  const assembly = app.synth();
  const templateOf = (stack: Stack): BlueprintStack => ({
    stackName: stack.stackName,
    region: stack.region,
    templateFile: relative(args.out, join(assembly.directory, stack.templateFile)),
  });
  const synthMs = Date.now() - synthStarted;

  const bundleStarted = Date.now();
  const bundleDir = join(args.out, 'bundles');
  const entries: Record<Exclude<BundleName, 'regionHost'>, string> = {
    api: LAMBDA_ENTRIES.api.entry,
    health: LAMBDA_ENTRIES.health.entry,
    authorizer: LAMBDA_ENTRIES.authorizer.entry,
    conflictFeed: LAMBDA_ENTRIES['conflict feed'].entry,
    heartbeat: LAMBDA_ENTRIES.heartbeat.entry,
  };
  const bundles = {} as Record<BundleName, string>;
  await Promise.all([
    ...Object.entries(entries).map(async ([name, entry]) => {
      const outfile = join(bundleDir, `${name}.mjs`);
      // exactly what `cdk synth` bundles (lib/constructs/lambda-bundling.ts)
      await build({
        ...esbuildOptionsOf(),
        entryPoints: [join(LAMBDA_ROOT, entry)],
        outfile,
        logLevel: 'warning',
      });
      bundles[name as BundleName] = relative(args.out, outfile);
    }),
    (async () => {
      const outfile = join(bundleDir, 'region-host.mjs');
      await build({
        entryPoints: [join(__dirname, '..', 'lib', 'ops', 'sandbox', 'region', 'host.ts')],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        banner: {
          js: "import { createRequire as __aaCreateRequire } from 'module';const require = __aaCreateRequire(import.meta.url);",
        },
        logLevel: 'warning',
      });
      bundles.regionHost = relative(args.out, outfile);
    })(),
  ]);
  const bundleMs = Date.now() - bundleStarted;

  const blueprint: Blueprint = {
    version: 1,
    appName: config.appName,
    data: templateOf(stacks.data),
    regions: stacks.regions.map((stack) => ({
      ...templateOf(stack),
      functions: {
        api: logicalIdOf(stack.api.function.node.defaultChild),
        health: logicalIdOf(stack.api.health.function.node.defaultChild),
        ...(stack.api.authorizer.function === undefined
          ? {}
          : { authorizer: logicalIdOf(stack.api.authorizer.function.node.defaultChild) }),
        conflictFeed: logicalIdOf(stack.conflictFeed.function.node.defaultChild),
        heartbeat: logicalIdOf(stack.heartbeat.function.node.defaultChild),
      },
    })),
    global: templateOf(stacks.global),
    bundles,
    timings: { synthMs, bundleMs },
  };
  writeFileSync(join(args.out, BLUEPRINT_FILE), `${JSON.stringify(blueprint, null, 2)}\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? `config error: ${message}` : message);
  process.exit(1);
});
