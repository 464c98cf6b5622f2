// Lint rules, including the layer rules of docs/architecture.md: an import against the arrows fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/** Folders under src/ and what each may not import. */
const layerZones = [
  { target: './src/model', from: './src', except: ['./model'], message: 'model imports nothing of ours' },
  { target: './src/util', from: './src', except: ['./util'], message: 'util imports nothing of ours' },
  {
    target: './src/store',
    from: [
      './src/api',
      './src/registry',
      './src/xds',
      './src/controlplane',
      './src/proxy',
      './src/cli',
      './src/ca',
    ],
    message: 'store depends on model only',
  },
  {
    // Its tests drive it with the proxy's ManualClock; the CA itself takes any CaClock.
    target: './src/ca',
    from: ['./src/api', './src/registry', './src/xds', './src/controlplane', './src/cli'],
    message: 'the CA depends on store types only',
  },
  {
    target: './src/api',
    from: ['./src/xds', './src/controlplane', './src/proxy', './src/cli'],
    message: 'api depends on model and store only',
  },
  {
    target: './src/registry',
    from: ['./src/api', './src/xds', './src/controlplane', './src/proxy', './src/cli'],
    message: 'registry depends on model and store only',
  },
  {
    target: './src/xds/translate',
    from: ['./src/store', './src/api', './src/xds/server', './src/controlplane', './src/proxy', './src/cli'],
    message: 'translate is pure: model in, Envoy resources out',
  },
  {
    target: './src/xds/server',
    from: [
      './src/model',
      './src/store',
      './src/api',
      './src/registry',
      './src/xds/translate',
      './src/controlplane',
      './src/proxy',
      './src/cli',
    ],
    message: 'the xDS server knows nothing about App Mesh',
  },
  {
    target: './src/xds/protos',
    from: [
      './src/model',
      './src/store',
      './src/api',
      './src/registry',
      './src/xds/translate',
      './src/xds/server',
      './src/controlplane',
      './src/proxy',
      './src/cli',
    ],
    message: 'protos stand alone',
  },
  {
    target: './src/proxy',
    from: [
      './src/model',
      './src/store',
      './src/api',
      './src/registry',
      './src/xds/translate',
      './src/xds/server',
      './src/controlplane',
      './src/cli',
    ],
    message: 'the proxy depends on xds/protos and util only',
  },
  {
    target: './src/controlplane',
    from: ['./src/proxy', './src/cli'],
    message: 'the control plane does not depend on the proxy or the CLI',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.switchyard/**',
      'bench/results/**',
      'src/xds/protos/generated/**',
      'ui/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { 'import-x': importX },
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
);
