/**
 * What the sandbox runs, as built by `bin/sandbox-synth.ts` (the one part that loads the CDK): the
 * app's synthesized templates (bundling skipped) and the handler bundles, built with the app's
 * own esbuild options. Everything below lib/ops/sandbox reads this file and the templates; none of
 * it imports aws-cdk-lib.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The functions of one region stack the sandbox runs, by their logical id in the template. */
export interface RegionFunctions {
  readonly api: string;
  readonly health: string;
  /** Absent when the API uses an external OIDC provider's JWT authorizer. */
  readonly authorizer?: string;
  readonly conflictFeed: string;
  readonly heartbeat: string;
}

/** The bundle file of each function kind, and of the region host. */
export type BundleName = keyof RegionFunctions | 'regionHost';

/** One stack of the assembly. */
export interface BlueprintStack {
  readonly stackName: string;
  readonly region: string;
  /** Template file, relative to the blueprint's directory. */
  readonly templateFile: string;
}

/** One region stack and the functions in it. */
export interface BlueprintRegion extends BlueprintStack {
  readonly functions: RegionFunctions;
}

/** The blueprint file. */
export interface Blueprint {
  readonly version: 1;
  readonly appName: string;
  readonly data: BlueprintStack;
  readonly regions: readonly BlueprintRegion[];
  readonly global: BlueprintStack;
  /** Bundle files, relative to the blueprint's directory. */
  readonly bundles: Readonly<Record<BundleName, string>>;
  /** How long the synth and the bundling took (ms), for the start-up report. */
  readonly timings: { readonly synthMs: number; readonly bundleMs: number };
}

/** A CloudFormation template as far as the sandbox reads it. */
export interface Template {
  readonly Resources?: Readonly<Record<string, TemplateResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value: unknown }>>;
}

/** One resource of a template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

/** The name of the blueprint file inside the build directory. */
export const BLUEPRINT_FILE = 'blueprint.json';

/** Read a blueprint and its templates from a build directory. */
export function readBlueprint(dir: string): {
  readonly blueprint: Blueprint;
  readonly templates: ReadonlyMap<string, Template>;
} {
  const blueprint = JSON.parse(readFileSync(join(dir, BLUEPRINT_FILE), 'utf8')) as Blueprint;
  if (blueprint.version !== 1) {
    throw new Error(`sandbox blueprint version ${String(blueprint.version)} is not 1; rebuild`);
  }
  const templates = new Map<string, Template>();
  for (const stack of [blueprint.data, ...blueprint.regions, blueprint.global]) {
    templates.set(
      stack.stackName,
      JSON.parse(readFileSync(join(dir, stack.templateFile), 'utf8')) as Template,
    );
  }
  return { blueprint, templates };
}
