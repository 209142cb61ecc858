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
  // Two at once on this 2-core machine. An e2e file alone uses under half a core (faults: 39 s of
  // CPU in its 99 s; socket-auth 26 s of 81 s), but a CI run with three e2e workers (stop 23) was
  // no faster per suite finished and let a rate-window test's window turn: two until measured alone.
  maxWorkers: 2,
  testSequencer: fileURLToPath(new URL('./test/support/sequencer.js', import.meta.url)),
  // Coverage (on with --coverage; `npm test` passes it for the unit and e2e projects, then runs the
  // browser project without it: the pages drive the same API the e2e tests cover, and V8's precise
  // coverage costs each file CPU). V8's own counters, no instrumenting
  // transform. From the libs and the server apps only; the web app and the tests are not counted.
  // Apps the e2e tests spawn as child processes (spawnApp, runNode) are not seen; the apps they
  // start in Jest's own process are. Printed: istanbul's text summary, then a table per lib.
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
