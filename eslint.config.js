// One flat config for the whole workspace: typescript-eslint's recommended rules, no type-aware
// rules (they would double the lint time on this 2-core machine for little gain).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.cache/**',
      'test-artifacts/**',
      'web/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // A `let` read by a closure before its one assignment (readiness checks) must stay a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['web/src/**/*.ts', 'web/test/**/*.ts', 'web/bench/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // Scripts run by mongosh inside the MongoDB container.
    files: ['platform/mongodb/**/*.js'],
    languageOptions: { globals: { db: 'readonly', print: 'readonly' } },
  },
);
