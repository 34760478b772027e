// Lint rules: typescript-eslint's recommended set, tuned where the codebase has a reason (see comments).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'console/dist/**', 'clients/**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // Unused names are errors, except deliberately ignored ones (_name) and rest siblings.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Decorated constructor parameters and tsyringe tokens need interfaces that look empty.
      '@typescript-eslint/no-empty-object-type': 'off',
      // express and MikroORM types sometimes need a cast through unknown; `any` stays a warning.
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-control-regex': 'off',
    },
  },
  {
    // The console shows API answers as the API gives them; the API's zod schemas are their types.
    files: ['console/**/*.tsx', 'console/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', console: 'readonly', process: 'readonly' } },
  },
);
