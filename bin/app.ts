#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../lib/app';
import { ConfigError, configFromContext } from '../lib/config';

const app = new App();
try {
  const config = configFromContext(app.node, { defaultAccount: process.env.CDK_DEFAULT_ACCOUNT });
  buildApp(app, config);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`config error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
