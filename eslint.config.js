// ESLint (with typescript-eslint, syntax rules only: no type information, so linting the whole tree takes seconds).
// Chosen over Biome because its no-restricted-imports takes glob patterns per folder, which is how the dependency
// direction of DESIGN.md is enforced below, and typescript-eslint is what TypeScript contributors already know.
// Formatting is left to the existing style (no formatter rewrites the tree).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const AWS_SDK_IN_CORE = 'core reaches AWS through the typed operations of src/aws (one door to AWS, #12.2), never the SDK.'

/** An import boundary: files under `files` may not import what `patterns` match (module names or paths). */
const boundary = (files, patterns, message) => ({
  files,
  rules: {'no-restricted-imports': ['error', {patterns: [{group: patterns, message}]}]},
})

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'bench/', 'coverage/', 'test/.tmp/', 'test/fixtures/', 'test/node-versions/', 'examples/**/.lpack/', 'templates/**/.lpack/', '**/.lpack/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', performance: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', structuredClone: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', fetch: 'readonly', queueMicrotask: 'readonly'}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      // Empty catch blocks say why in a comment (STYLE.md: comments say why); ESLint accepts a commented block.
      'no-empty': ['error', {allowEmptyCatch: false}],
      // lpack matches control bytes on purpose (terminal escapes in tool output, NUL and ASCII checks).
      'no-control-regex': 'off',
    },
  },
  {files: ['**/*.cjs', 'bin/**/*.js'], rules: {'@typescript-eslint/no-require-imports': 'off'}},
  // DESIGN.md: commands → core → aws, io. Core never imports oclif nor the CLI; commands never talk to AWS.
  // One door to AWS (#12.2): core calls the typed operations of src/aws (CloudFormationOperations, ArtifactStore, …),
  // never SDK commands, so its decisions can be tested against a fake and the SDK is loaded in one place.
  // (The Node builder names '@aws-sdk/*' only as a string, the bundler's external; that is no import.)
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': ['error', {patterns: [
        {group: ['@oclif/*', '**/commands/**', '**/cli/**'], message: 'core never imports oclif or the CLI layer (DESIGN.md): take typed options, return results, emit events.'},
        {group: ['@aws-sdk/*', '@smithy/*'], message: AWS_SDK_IN_CORE},
      ]}],
    },
  },
  boundary(['src/commands/**'], ['@aws-sdk/*', 'esbuild'], 'commands are thin adapters (STYLE.md): AWS and builds are reached through src/core.'),
  boundary(['src/local/**'], ['@oclif/*', '**/commands/**', '**/cli/**'], 'src/local is the local AWS, a library the commands start: no CLI framework (DESIGN.md).'),
  boundary(['src/aws/**'], ['@oclif/*', '**/commands/**', '**/cli/**', '**/core/**', '**/io/**'], 'src/aws is the door to AWS: it knows nothing of the CLI, core or rendering.'),
  // Core emits typed data (src/core/events.ts); the words, glyphs and live lines people see are src/io's
  // (event-text.ts). An emit with a sentence or a glyph in it is rendering creeping back into core.
  // (One no-restricted-syntax for src/core: a second config block would replace this one, not add to it.)
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        // One door to AWS (#12.2): no-restricted-imports above sees only static imports; the SDK was loaded lazily.
        {selector: 'ImportExpression[source.value=/^@(aws-sdk|smithy)\\//]', message: AWS_SDK_IN_CORE},
        {
          selector: "CallExpression[callee.property.name='emit'] Property[key.name=/^(message|id|final)$/]",
          message: 'core emits data only: the text and live lines of an event are written in src/io/event-text.ts.',
        },
        {
          selector: "CallExpression[callee.property.name='emit'] :matches(Literal[value=/[✓✗↑→…]/u], TemplateElement[value.raw=/[✓✗↑→…]/u])",
          message: 'core emits data only: glyphs belong to the renderer, src/io/event-text.ts.',
        },
      ],
    },
  },
  boundary(['src/io/**'], ['@oclif/*', '**/commands/**', '**/cli/**', '@aws-sdk/*'], 'src/io renders events and results: no CLI framework, no AWS.'),
)
