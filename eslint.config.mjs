// ESLint: typescript-eslint's recommended rules for all code, and React's two rules of hooks
// for the renderer. `npm run lint` is part of `npm test`; it caches under node_modules/.cache,
// so a run after a small change re-reads only the changed files.
//
// No type-aware rules: they need a TypeScript program per run (tens of seconds on this
// code), and `tsc` in `npm run build` already checks types. Of eslint-plugin-react-hooks only
// rules-of-hooks and exhaustive-deps: its React Compiler rules (set-state-in-effect,
// static-components, ...) run the compiler over every component and took 24 of 35 seconds.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  ['require', 'process', 'console', 'setTimeout', 'clearTimeout', '__dirname', 'performance', 'URL', 'Buffer'].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.electron-native/**'] },
  // A disable comment that no longer suppresses anything fails too, so none outlives its reason.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
