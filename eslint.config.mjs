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
