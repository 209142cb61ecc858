import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data*/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Libs never import apps; no app imports another app.
  { files: ['libs/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/**'] }] } },
  ...['api', 'bidding-gateway', 'worker'].map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['api', 'bidding-gateway', 'worker'].filter((other) => other !== app).map((other) => `**/${other}/**`) },
      ],
    },
  })),
  // Reports read deal records only: no business line, no auction engine.
  {
    files: ['libs/reports/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/**', '@ggzy/auction', '@ggzy/leasing'] }] },
  },
  // The auction engine, registrations and deposits serve every line and know none of them (a
  // host registers itself through AuctionHost); their specs may wire a real host.
  {
    files: ['libs/auction/**/*.ts', 'libs/registrations/**/*.ts', 'libs/deposits/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/**', '@ggzy/leasing', '**/leasing/**'] }] },
  },
  // Lines never import each other: each knows nothing of the others.
  ...['leasing', 'transfers', 'tenders', 'procurement'].map((line) => ({
    files: [`libs/${line}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/apps/**',
            ...['leasing', 'transfers', 'tenders', 'procurement']
              .filter((other) => other !== line)
              .flatMap((other) => [`@ggzy/${other}`, `**/${other}/**`]),
          ],
        },
      ],
    },
  })),
  // Supervision is a line of its own: it reaches the others only through the SupervisedProcess port.
  {
    files: ['libs/supervision/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/apps/**', '@ggzy/leasing', '@ggzy/transfers', '@ggzy/tenders', '@ggzy/procurement', '**/leasing/**', '**/transfers/**', '**/tenders/**', '**/procurement/**'] }],
    },
  },
  // Sealed bids and the expert pool serve the tender and procurement lines and know none of them.
  {
    files: ['libs/sealed-bids/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/apps/**', '@ggzy/leasing', '@ggzy/transfers', '@ggzy/tenders', '@ggzy/procurement', '@ggzy/auction', '**/leasing/**', '**/transfers/**', '**/tenders/**', '**/procurement/**'] }],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', 'pg', 'bullmq', 'ioredis', 'socket.io*', '@ggzy/*'] }],
    },
  },
  // The OCDS mapping is pure: it reads the domain's types and nothing that runs.
  {
    files: ['libs/open-data/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/apps/**', '@nestjs/*', 'typeorm', 'pg', 'bullmq', 'ioredis', 'socket.io*', '@ggzy/persistence', '@ggzy/auction', '@ggzy/bidding', '@ggzy/registrations', '@ggzy/leasing', '@ggzy/queues'] }],
    },
  },
  // The web app runs in the browser and talks only to REST and the socket: it imports no lib but
  // libs/domain's import-free lifecycle tables, so that its buttons follow the server's rules.
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly',
        localStorage: 'readonly', fetch: 'readonly', crypto: 'readonly', FormData: 'readonly',
        URLSearchParams: 'readonly', Intl: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        addEventListener: 'readonly', removeEventListener: 'readonly', scrollTo: 'readonly', prompt: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@ggzy/*', '**/apps/api/**', '**/apps/bidding-gateway/**', '**/apps/worker/**', '@nestjs/*'] },
          { regex: '(^|/)libs/(?!domain/src/procurement-lifecycle$)', message: 'the web imports no lib but libs/domain lifecycle tables' },
        ],
      }],
    },
  },
);
