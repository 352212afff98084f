#!/usr/bin/env node
/**
 * Generate the OpenAPI document: `npm run openapi` writes the part every deployment shares to
 * lambda/handlers/openapi/template.generated.ts (what the API function serves, completed with its
 * names) and the default config's document (cdk.json) to docs/openapi.json. Tests fail while
 * either is out of date. `--out -` prints the config's document instead of writing anything.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { apiDescriptionFromConfig } from '../lambda/contract/api-description';
import { renderOpenApiDocument, renderTemplateModule } from '../lambda/handlers/openapi/document';
import { loadConfigFromCdkJson } from '../lib/config';

/** Where the generated template lives (imported by the API function). */
const TEMPLATE_MODULE = path.join(
  __dirname,
  '..',
  'lambda',
  'handlers',
  'openapi',
  'template.generated.ts',
);

const program = new Command('openapi')
  .description("generate the API's OpenAPI 3.1 document")
  .option('--cdk-json <path>', 'the cdk.json holding the config', 'cdk.json')
  .option(
    '--out <path>',
    "where to write the config's document (- for stdout)",
    'docs/openapi.json',
  )
  .action((options: { cdkJson: string; out: string }) => {
    const text = renderOpenApiDocument(
      apiDescriptionFromConfig(loadConfigFromCdkJson(options.cdkJson)),
    );
    if (options.out === '-') {
      process.stdout.write(text);
      return;
    }
    writeFileSync(TEMPLATE_MODULE, renderTemplateModule());
    writeFileSync(options.out, text);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`openapi: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
