import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**'] },
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
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/**', '@ggzy/bidding', '@ggzy/leasing'] }] },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', 'pg', 'bullmq', 'ioredis', 'socket.io*', '@ggzy/*'] }],
    },
  },
);
