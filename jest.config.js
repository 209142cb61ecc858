import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkNodeRuntime } from './bin/node-runtime.js';

checkNodeRuntime('tests');

// ESM + ts-jest: NestJS 12 is ESM-only (see ../shared/design/STACK.md).
const aliases = [
  'domain',
  'persistence',
  'auction',
  'queues',
  'auth',
  'common',
  'leasing',
  'registrations',
  'deposits',
  'calendar',
  'reports',
  'sealed-bids',
  'open-data',
  'transfers',
  'tenders',
  'procurement',
  'supervision',
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    ...Object.fromEntries(aliases.map((name) => [`^@ggzy/${name}$`, `<rootDir>/libs/${name}/src/index.ts`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};
// Browser tests run whenever a Chromium is found (Debian's `chromium`; CHROMIUM_PATH overrides).
const chromium = findChromium();
console.log(
  chromium
    ? `[browser] Chromium: ${chromium} — browser tests run`
    : '[browser] no Chromium found (apt-get install chromium, or set CHROMIUM_PATH) — browser tests SKIPPED',
);
process.env.GGZY_CHROMIUM = chromium ?? '';

export default {
  testTimeout: 120000,
  // Four at once on this 2-core machine: a test file mostly waits (auctions closing on time, the
  // worker's jobs, sockets), using about a quarter of a core. Measured on an idle machine
  // (2026-11-29, 14 e2e files): 140 s with two workers, 76 s with four (CPU 38% → 69% busy).
  // The tests' pools are small (test/support/environment.ts) so four platforms fit PostgreSQL's 100
  // connections.
  maxWorkers: 4,
  // Each test file loads the apps afresh into a new module registry (ESM), and a worker's memory
  // only grows: past 2 GB one spent minutes collecting garbage. A worker over this after a file is
  // replaced by a new one (a second or two).
  workerIdleMemoryLimit: '1GB',
  testSequencer: fileURLToPath(new URL('./test/support/sequencer.js', import.meta.url)),
  // Coverage with --coverage (`npm run test:coverage`; `npm test` runs without it: V8's precise
  // coverage cost 43% more CPU on the e2e files, and CI's whole run must fit 20 minutes on 2 cores).
  // V8's own counters, no instrumenting transform. From the libs and the server apps only; the web
  // app and the tests are not counted. Apps the e2e tests spawn as child processes (spawnApp,
  // runNode) are not seen; the apps they start in Jest's own process are. Printed: istanbul's text
  // summary, then a table per lib.
  coverageProvider: 'v8',
  collectCoverageFrom: [
    'libs/*/src/**/*.ts',
    'apps/*/src/**/*.ts',
    '!apps/web/**',
    '!**/*.spec.ts',
    '!**/*.d.ts',
  ],
  coverageReporters: [
    'text-summary',
    fileURLToPath(new URL('./test/support/coverage-by-lib.js', import.meta.url)),
  ],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/background-failures.ts'],
    },
    ...(chromium
      ? [
          {
            ...common,
            displayName: 'browser',
            testMatch: ['<rootDir>/test/browser/*.browser-spec.ts'],
            globalSetup: '<rootDir>/test/support/global-setup.js',
            globalTeardown: '<rootDir>/test/support/global-teardown.js',
          },
        ]
      : []),
  ],
};

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path) => path && existsSync(path)) ?? null;
}
