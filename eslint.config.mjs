// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const noCdkInRuntimeCode = {
  patterns: [
    {
      group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
      message: 'lambda/ and lib/ops/ run outside CDK: never import aws-cdk-lib or constructs here.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'cdk.out/**',
      'coverage/**',
      '**/*.js',
      '**/*.cjs',
      'bench/.out/**',
      '.sandbox/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-duplicates': 'error',
      'import-x/first': 'error',
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'],
          'newlines-between': 'never',
          alphabetize: { order: 'asc', caseInsensitive: true },
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // The direction of imports (docs/architecture.md): lambda/ is the runtime and never reaches
    // into the CDK app or the CLI; lib/ and bin/ reach lambda/ only through the contract, the
    // operator's entries (aactl runs the runtime's own code with the operator's credentials) and
    // the replication engine (the sandbox runs it); lambda/contract imports only the pure domain.
    files: ['bin/**/*.ts', 'lib/**/*.ts', 'lambda/**/*.ts'],
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js', '.json'] } } },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './lambda',
              from: ['./lib', './bin', './test', './bench'],
              message: 'lambda/ is the runtime: it never imports the CDK app, the CLI or tests.',
            },
            {
              target: './lib',
              from: './lambda',
              except: ['./contract', './operator', './replication'],
              message:
                'lib/ reaches lambda/ only through lambda/contract, lambda/operator and lambda/replication: move the shared piece there.',
            },
            {
              // bin/openapi.ts generates the OpenAPI document from the handler's own schemas
              target: './bin',
              from: './lambda',
              except: ['./contract', './operator', './replication', './handlers/openapi'],
              message:
                'bin/ reaches lambda/ only through lambda/contract, lambda/operator, lambda/replication and the OpenAPI generator (lambda/handlers/openapi).',
            },
            {
              target: './lambda/contract',
              from: './lambda',
              except: ['./contract', './domain'],
              message:
                'lambda/contract is shared by every program: it imports only lambda/domain (pure, no SDK) besides itself.',
            },
            {
              target: './lambda/domain',
              from: ['./lambda/adapters', './lambda/app', './lambda/handlers', './lambda/operator'],
              message:
                'lambda/domain is pure: it imports neither adapters, use cases nor handlers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lambda/**/*.ts', 'lib/ops/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noCdkInRuntimeCode] },
  },
  {
    files: ['lambda/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noCdkInRuntimeCode.patterns,
            {
              group: ['@aws-sdk/*', '@aws-lambda-powertools/*', '../adapters/*', '../handlers/*'],
              message: 'lambda/domain is pure: no AWS SDK, Powertools or adapters.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
