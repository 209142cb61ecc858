import { DEFAULT_EARLY_WARNING_THRESHOLDS } from '@ggzy/domain';
import { ConfigError, earlyWarningThresholds, loadEnvConfig } from './config.js';

/** A production environment complete but for what a case leaves out. */
const production = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://ggzy_app:x@127.0.0.1:5432/ggzy',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'j'.repeat(32),
  AUDIT_HMAC_KEY: 'a'.repeat(32),
  SEALED_BID_KEYS: `kek1:${Buffer.alloc(32, 7).toString('base64')}`,
  PUBLIC_SITE_URL: 'https://ggzy.example.cn',
  ...extra,
});

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadEnvConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
};

describe('PUBLIC_SITE_URL (the feed and OCDS links)', () => {
  it.each([
    ['production, set', production(), []],
    [
      'production, unset: refused (links would follow the Host header)',
      production({ PUBLIC_SITE_URL: undefined }),
      ['PUBLIC_SITE_URL: production needs PUBLIC_SITE_URL (the public origin, like https://ggzy.example.cn)'],
    ],
    [
      'production, empty: refused',
      production({ PUBLIC_SITE_URL: '' }),
      ['PUBLIC_SITE_URL: production needs PUBLIC_SITE_URL (the public origin, like https://ggzy.example.cn)'],
    ],
    [
      'production, not an origin',
      production({ PUBLIC_SITE_URL: 'https://x.cn/path' }),
      ['PUBLIC_SITE_URL: an origin like https://host:port'],
    ],
    ['development, unset: the request origin', { NODE_ENV: 'development' }, []],
    ['test, unset', { NODE_ENV: 'test' }, []],
  ] as [string, NodeJS.ProcessEnv, string[]][])('%s', (_name, env, problems) => {
    expect(problemsOf(env)).toEqual(problems);
  });
});

describe('EARLY_WARNING_* (the district thresholds of early warning)', () => {
  it('defaults to early-warning.ts’s thresholds', () => {
    expect(earlyWarningThresholds(loadEnvConfig({ NODE_ENV: 'test' }))).toEqual(
      DEFAULT_EARLY_WARNING_THRESHOLDS,
    );
  });

  it('takes every one from the environment', () => {
    expect(
      earlyWarningThresholds(
        loadEnvConfig({
          NODE_ENV: 'test',
          EARLY_WARNING_START_PRICE_MIN_QUALIFIED: '3',
          EARLY_WARNING_RECURRING_MEETINGS: '4',
          EARLY_WARNING_SCORE_OUTLIER_SIGMAS: '2.5',
          EARLY_WARNING_SCORE_OUTLIER_MIN_POINTS: '0',
          EARLY_WARNING_LOW_BID_PERCENT_OF_MEAN: '85',
          EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN: '200000000',
        }),
      ),
    ).toEqual({
      startPriceMinQualified: 3,
      recurringMeetings: 4,
      scoreOutlierSigmas: 2.5,
      scoreOutlierMinPoints: 0,
      lowBidPercentOfMean: 85,
      openTenderThreshold: 200_000_000,
    });
  });

  it.each([
    ['EARLY_WARNING_START_PRICE_MIN_QUALIFIED', '1'],
    ['EARLY_WARNING_START_PRICE_MIN_QUALIFIED', '2.5'],
    ['EARLY_WARNING_RECURRING_MEETINGS', '1'],
    ['EARLY_WARNING_RECURRING_MEETINGS', 'three'],
    ['EARLY_WARNING_SCORE_OUTLIER_SIGMAS', '0'],
    ['EARLY_WARNING_SCORE_OUTLIER_SIGMAS', '-1'],
    ['EARLY_WARNING_SCORE_OUTLIER_SIGMAS', 'Infinity'],
    ['EARLY_WARNING_SCORE_OUTLIER_MIN_POINTS', '-0.5'],
    ['EARLY_WARNING_SCORE_OUTLIER_MIN_POINTS', '101'],
    ['EARLY_WARNING_LOW_BID_PERCENT_OF_MEAN', '0'],
    ['EARLY_WARNING_LOW_BID_PERCENT_OF_MEAN', '80.5'],
    ['EARLY_WARNING_LOW_BID_PERCENT_OF_MEAN', '101'],
    ['EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN', '0'],
    ['EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN', '4000000.5'],
    ['EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN', '9007199254740993'],
    ['EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN', '400万'],
  ])('refuses %s=%s, naming the setting', (name, value) => {
    const problems = problemsOf({ NODE_ENV: 'test', [name]: value });
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(new RegExp(`^${name}: `));
  });
});
