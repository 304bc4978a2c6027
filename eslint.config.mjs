import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', '.venv/', '.local/', '.tmp-bench/', 'coverage/', 'bench/results/', '**/*.cjs', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The runtime never imports lib/. Handlers and the CLIs are bundled by esbuild: a path into the
    // CDK app would put megabytes of infrastructure code into every Lambda bundle and slow every CLI
    // start, and even its CDK-free files (lib/config.ts) would tie the runtime to the app's layout.
    // What both sides need lives in core/, which lib/ imports. test/structure/imports.test.ts checks
    // the same rule on resolved paths, including the local/ and core/ rules a pattern cannot express.
    files: ['lambda/**/*.ts', 'core/**/*.ts', 'cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'], message: 'runtime code must not depend on the CDK' },
            { group: ['**/lib', '**/lib/**'], message: 'runtime code (core/, cli/, lambda/) never imports lib/; share through core/' },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-new': 'off' },
  },
);
