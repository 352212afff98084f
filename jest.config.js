/**
 * The fast tier (`npm test`): unit, property, template and in-memory checker tests. Files named
 * `*.integration.test.ts` (DynamoDB Local, moto, the real cdk CLI, real bundling) belong to
 * `npm run test:integration` (jest.integration.config.js).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.integration\\.test\\.ts$'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
  },
  setupFiles: ['<rootDir>/test/setup/env.ts'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  snapshotSerializers: ['<rootDir>/test/setup/asset-hash-serializer.ts'],
  // Jest's default is one worker per core less one: a single worker on a 2-core machine.
  maxWorkers: 2,
  reporters: [['summary', { summaryThreshold: 0 }], '<rootDir>/test/setup/quiet-reporter.cjs'],
  testTimeout: 60_000,
};
