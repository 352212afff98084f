#!/usr/bin/env node
/**
 * Mint an API token for the public name: `npm run -s api-token -- --subject ci-bot [--ttl 3600]`.
 * Reads the app's token key from Secrets Manager (any region holds a replica), so whoever may
 * read `<app>/api-token-key` may mint; prints the token on stdout.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Command } from 'commander';
import { mintApiTokenFromSecret } from '../lambda/operator/api-token';
import { apiTokenSecretName, loadConfigFromCdkJson } from '../lib/config';

const program = new Command('api-token')
  .description('mint an API token for the public name (HS256 JWT signed with <app>/api-token-key)')
  .requiredOption('--subject <name>', 'who holds the token, e.g. ci-bot or a person')
  .option('--ttl <seconds>', 'lifetime in seconds (60-43200)', '3600')
  .option(
    '--region <region>',
    'region whose key replica to read (default: AWS_REGION, else the data region)',
  )
  .option('--cdk-json <path>', 'the cdk.json holding the config', 'cdk.json')
  .action(async (options: { subject: string; ttl: string; region?: string; cdkJson: string }) => {
    const config = loadConfigFromCdkJson(options.cdkJson);
    const region = options.region ?? process.env.AWS_REGION ?? config.dataRegion;
    const token = await mintApiTokenFromSecret({
      client: new SecretsManagerClient({ region }),
      secretId: apiTokenSecretName(config.appName),
      issuer: config.appName,
      audience: config.publicName,
      subject: options.subject,
      ttlSeconds: Number(options.ttl),
      nowMs: Date.now(),
    });
    process.stdout.write(`${token}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`api-token: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
