/**
 * The integration tier (`npm run test:integration`): DynamoDB Local, moto, the real cdk CLI and
 * real bundling. One DynamoDB Local serves the whole run (test/setup/integration-global.ts).
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

// The global setup loads the AWS SDK in jest's own process, before test/setup/env.ts runs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

module.exports = {
  ...base,
  testMatch: ['**/*.integration.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/setup/integration-global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/integration-global-teardown.ts',
  testTimeout: 180_000,
};
