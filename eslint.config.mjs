// The linter: typescript-eslint's recommended rules, and the service's layering as import rules.
// Dependencies run one way: util ← pki ← service (document ← checks ← target ← features; cache beside) ← adapters.
// Import specifiers are relative, so each rule matches the folder names a forbidden import would pass through.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A rule that forbids relative imports reaching any of these folders, with why. */
const forbid = (files, folders, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ regex: `^\\.\\.?/(.*/)?(${folders.join('|')})(/|$)`, message }],
    }],
  },
});

/** A room of the service: besides its own limits, never the façade (the door out) nor an adapter. */
const room = (files, folders, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        ...(folders.length ? [{ regex: `^\\.\\.?/(.*/)?(${folders.join('|')})(/|$)`, message }] : []),
        { regex: '^\\.\\.?/(.*/)?(lsp|cli|node)(/|$)', message: 'The service never reaches an adapter.' },
        { regex: '^\\.\\.(/index)?$', message: 'Inside the service, import the module itself, not the façade.' },
      ],
    }],
  },
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/out/**', 'e2e/**', 'samples/**', 'test/fixtures/pki/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', URL: 'readonly', require: 'readonly', __dirname: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Control characters are what several checks look for (escapes gone wrong, terminal-safe text).
      'no-control-regex': 'off',
    },
  },
  forbid(['server/src/util/**'], ['pki', 'service', 'node', 'lsp', 'cli'], 'util/ depends on nothing of ours.'),
  forbid(['server/src/pki/**'], ['service', 'node', 'lsp', 'cli'], 'pki/ depends on util/ only.'),
  room(['server/src/service/{types,codes,settings,version,ports}.ts'], ['document', 'checks', 'features', 'cache'], 'The service root (types, codes, settings, version, ports) sits below its rooms.'),
  room(['server/src/service/document/**'], ['checks', 'features', 'cache'], 'document/ is the model: the checks and features build on it, not the other way.'),
  room(['server/src/service/cache/**'], ['checks', 'features'], 'cache/ holds state the checks use; it does not run them.'),
  room(['server/src/service/checks/**'], ['features'], 'checks/ do not depend on the editor features.'),
  room(['server/src/service/target/**'], ['features', 'cache'], 'target/ decides the release a file is checked as; the features read it, not the other way.'),
  room(['server/src/service/features/**'], [], ''),
  room(['server/src/service/lua/**'], ['features', 'cache', 'target', 'connect'], 'lua/ is config.lua\'s document and checks, beside document/ and checks/.'),
  room(['server/src/service/pair/**'], ['features', 'target'], 'pair/ holds config.json and config.lua against each other; the façade runs it.'),
  room(['server/src/service/connect/**'], ['features', 'cache'], 'connect/ tests one endpoint from a checked config; the façade hands it the cache.'),
  {
    files: ['server/src/lsp/**', 'server/src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^\\.\\./service/.+', message: 'Adapters import the façade (../service) only.' },
          { regex: '^\\.\\.?/(.*/)?(pki|util)(/|$)', message: 'Adapters reach pki/ and util/ through the façade.' },
        ],
      }],
    },
  },
  {
    files: ['server/src/node/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^\\.\\./(service/(?!ports$).*|service$|pki|util|lsp|cli)(/|$)?', message: 'node/ implements the service\'s ports (../service/ports) and nothing else.' }],
      }],
    },
  },
  {
    files: ['client/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^\\.\\./\\.\\./server/(?!src/lsp/protocol$)', message: 'The client shares only the protocol declarations with the server.' }],
      }],
    },
  },
);
