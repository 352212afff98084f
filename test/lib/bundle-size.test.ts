import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import {
  esbuildOptionsOf,
  LAMBDA_ENTRIES,
  LAMBDA_ROOT,
} from '../../lib/constructs/lambda-bundling';

/**
 * Each of the app's own bundles, built with exactly the options `cdk synth` uses, stays inside its
 * size budget (the AWS SDK is external: the runtime provides it). A size check, not a timing.
 */
describe('bundle size budgets', () => {
  let outdir: string;
  const sizes = new Map<string, number>();
  beforeAll(async () => {
    outdir = mkdtempSync(path.join(tmpdir(), 'aa-bundles-'));
    await Promise.all(
      Object.entries(LAMBDA_ENTRIES).map(async ([name, { entry }]) => {
        const result = await build({
          ...esbuildOptionsOf(),
          entryPoints: [path.join(LAMBDA_ROOT, entry)],
          outfile: path.join(outdir, `${name.replace(/ /g, '-')}.mjs`),
          write: false,
          metafile: true,
          logLevel: 'silent',
        });
        sizes.set(name, result.outputFiles[0]!.contents.byteLength);
      }),
    );
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test.each(Object.entries(LAMBDA_ENTRIES))(
    '%s bundle is within its budget',
    (name, { budgetBytes }) => {
      const bytes = sizes.get(name);
      expect(bytes).toBeGreaterThan(1_000);
      if (bytes! > budgetBytes) {
        throw new Error(
          `the ${name} bundle is ${(bytes! / 1024).toFixed(1)} KB, over its ${budgetBytes / 1024} KB budget: find what grew with esbuild's metafile (npm run bench prints the sizes)`,
        );
      }
    },
  );
});
