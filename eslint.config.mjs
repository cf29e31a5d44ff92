// ESLint flat config for the whole repository (`npm run lint`).
//
// - typescript-eslint `recommended` everywhere, plus the type-aware rules that catch
//   real bugs in a Nest/Bull/TypeORM code base (lost promises, awaiting non-promises,
//   throwing non-errors). The `no-unsafe-*` family is left off: pg, TypeORM raw queries
//   and JSON bodies are `any` by nature and the rules would flag every one of them.
// - Prettier owns formatting (eslint-config-prettier turns off every rule it covers).
// - Every eslint-disable comment carries a reason: `// eslint-disable-next-line rule -- why`.
// - @nx/enforce-module-boundaries keeps the project graph honest (see DEP_CONSTRAINTS).
import { createRequire } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const require = createRequire(import.meta.url);

// @nx/enforce-module-boundaries reads the *cached* Nx project graph and silently skips
// itself when there is none (a clean clone, CI). Build it here, in-process and without
// the daemon, so the rule always has a graph to check against: ~1 s when warm.
process.env.NX_DAEMON ??= 'false';
process.env.NX_NO_CLOUD ??= 'true';
await require('@nx/devkit').createProjectGraphAsync({ exitOnError: false });

const TS = ['**/*.ts', '**/*.tsx'];
// Test code: specs, the e2e tree, and the `testing/` folders next to the code they
// serve (tsconfig.build.json keeps all of these out of the production build).
const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**', 'test/**', 'bench/**'];

// Nx projects: apps/* (type:app) and libs/* (type:lib), with one scope tag each.
// test/, bench/ and tools/ are deliberately not Nx projects: they drive the apps from
// outside (e2e suites import app modules to boot them), so the boundary rule does not
// apply to their files. They are linted like everything else.
const DEP_CONSTRAINTS = [
  // An app never imports another app; a lib never imports an app.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  // The web app runs in a browser: it may share the contracts' types and pure helpers (scope:browser), nothing with I/O.
  {
    sourceTag: 'type:web',
    onlyDependOnLibsWithTags: ['scope:browser'],
    bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'ioredis', 'bull', 'node:*'],
  },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  // Entities know no cache: no Redis/Bull, not even through the libs built on them.
  {
    sourceTag: 'scope:entities',
    notDependOnLibsWithTags: ['scope:project-context', 'scope:pipeline'],
    bannedExternalImports: ['ioredis', 'bull', '@nestjs/bull', 'bullmq', '@nestjs/bullmq'],
  },
  // The legal grammar (citations, statutes, courts, legal names) is pure text processing: no other lib, no I/O.
  {
    sourceTag: 'scope:legal',
    onlyDependOnLibsWithTags: ['scope:legal'],
    bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'ioredis', 'bull', 'compromise', 'wink-nlp'],
  },
  // Formats (detection, DOCX, e-mail, HTML, text, archives, load files) are pure byte-to-text parsing: contracts only, no I/O framework.
  {
    sourceTag: 'scope:formats',
    onlyDependOnLibsWithTags: ['scope:shared', 'scope:legal', 'scope:formats'],
    bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'ioredis', 'bull'],
  },
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.nx/**', 'tmp/**', 'data/**', 'test/fixtures/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,
  ...tseslint.configs.recommended,
  comments.recommended,

  // Every file: what a Node service needs regardless of language.
  {
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.node,
    },
    rules: {
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-return-assign': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },

  // Plain .js/.mjs files (jest config, path loaders, docker health check) run as-is in Node.
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // TypeScript: type-aware rules, one TypeScript program from the root tsconfig.json.
  {
    files: TS,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      '@typescript-eslint/only-throw-error': 'error',
      'prefer-promise-reject-errors': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      'no-implied-eval': 'off',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/restrict-plus-operands': 'error',
      '@typescript-eslint/no-duplicate-type-constituents': 'error',
      '@typescript-eslint/no-redundant-type-constituents': 'error',
      '@typescript-eslint/no-unsafe-enum-comparison': 'error',
      '@typescript-eslint/no-unsafe-unary-minus': 'error',
    },
  },

  // The web app (apps/web): browser globals, React's rules of hooks.
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },

  // Module boundaries (apps and libs are the Nx projects; elsewhere the rule is a no-op).
  {
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: DEP_CONSTRAINTS }],
    },
  },

  // Production code never imports the test helpers (@casegraph/testing, test/): Nx
  // constraints are per project, so this is the per-file half of the rule.
  {
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts'],
    ignores: [...TEST_FILES, 'libs/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@casegraph/testing', message: 'Test helpers are for test files (*.spec.ts, *.int-spec.ts, testing/) only.' },
            { name: '@casegraph/formats/testing', message: 'Document builders are for test files only.' },
          ],
          patterns: [{ group: ['**/libs/testing/**', '**/test/support/**'], message: 'Test helpers are for test files only.' }],
        },
      ],
    },
  },

  // Tests: jest globals, and the shortcuts that make fakes and fixtures readable.
  {
    files: TEST_FILES,
    languageOptions: {
      globals: globals.jest,
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
    },
  },

  // Last: switch off every rule that Prettier owns.
  prettier,
);
