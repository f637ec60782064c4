// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Wall-clock time and unseeded randomness break replay: only the system clock and live mode
// may touch them; everything else takes the injected Clock and Rng.
const nondeterminism = {
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Use the injected Clock.' },
    { object: 'Math', property: 'random', message: 'Use the injected Rng.' },
    { object: 'performance', property: 'now', message: 'Use the injected Clock.' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use the injected Clock.' },
    { name: 'setInterval', message: 'Use the injected Clock.' },
  ],
};

// The layers, top to bottom: each folder imports only from the folders below it, so the data
// flows one way and no folder cycle can form. An editor shows a violation as it is typed.
const LAYERS = [
  ['cli', 'reference'],
  ['check', 'live'],
  ['subject'],
  ['simulator'],
  ['report', 'telemetry'],
  ['providers'],
  ['scenario'],
  ['engine'],
];

/** The folders `folder` must not import: those of its own layer and every layer above. */
function forbiddenFor(folder) {
  const level = LAYERS.findIndex((layer) => layer.includes(folder));
  return LAYERS.slice(0, level + 1)
    .flat()
    .filter((other) => other !== folder);
}

const layerRules = LAYERS.flat()
  .filter((folder) => forbiddenFor(folder).length > 0)
  .map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: forbiddenFor(folder).flatMap((other) => [`../${other}/*`, `../../${other}/*`]),
              message: `src/${folder}/ imports only from the layers below it (see LAYERS in eslint.config.js): move the shared piece down instead.`,
            },
            ...(folder === 'engine'
              ? [
                  {
                    group: ['msw', 'msw/*', '@opentelemetry/*', '../index.js', '../../index.js'],
                    message:
                      'The engine ships for production use: it imports neither msw nor OpenTelemetry, and emits typed events instead.',
                  },
                ]
              : []),
          ],
        },
      ],
    },
  }));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', 'coverage/', 'schemas/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    // virtual-globals.ts is where a subject drill puts the drill's clock and rng in their place.
    ignores: [
      'src/engine/runtime/system-clock.ts',
      'src/live/**',
      'src/subject/virtual-globals.ts',
    ],
    rules: nondeterminism,
  },
  {
    // Split a longer file or function into named steps; where one must stay longer, say why in
    // an eslint-disable comment (`-- reason`) on it.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 100 }],
      // ICU's locale data costs 8 MB of RSS the first time any command touches it.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='toLocaleString']",
          message: 'Use thousands() from unit-text.ts: toLocaleString loads ICU (8 MB of RSS).',
        },
        {
          selector: "MemberExpression[object.name='Intl']",
          message: 'Intl loads ICU (8 MB of RSS at start-up); format by hand as unit-text.ts does.',
        },
      ],
    },
  },
  ...layerRules,
  {
    // The shared files at src/'s root are the bottom layer: every folder may import them, so they
    // import none. The package entry, src/index.ts, is the one file above every layer.
    files: ['src/*.ts'],
    ignores: ['src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*/*'],
              message:
                "src/'s shared files import no folder of src/: every layer imports them (see LAYERS in eslint.config.js).",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read parsed JSON bodies; typing every one would only repeat the assertions.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Shipped subjects and the recipes' preloads are plain modules for Node, to copy as they are.
    files: ['subjects/**/*.js', 'recipes/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'Request', 'Response', 'Headers', 'AbortSignal'].map(
          (name) => [name, 'readonly'],
        ),
      ),
    },
  },
);
