import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort } from '../../libs/persistence/src/embedded-postgres.js';
import type { AppConfig } from '../../libs/common/src/config.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import {
  createOperator,
  registerBidder,
  registerOrganization,
  type TestOrganization,
  type TestUser,
} from '../support/factories.js';

/** Chosen by jest.config.js (which prints whether browser tests run); this project only exists then. */
export const CHROMIUM_PATH = process.env.GGZY_CHROMIUM || '/usr/bin/chromium';

/** The machine has no internet: no component updates, no sync, no first-run pages. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface WebPlatform extends TestPlatform {
  /** The pages' origin: http://localhost:<api port>. */
  web: string;
}

/**
 * The real platform in this process, on fixed free ports so the page finds the gateway as a
 * deployment does (same host, GATEWAY_PORT from /config.json), serving the built web app.
 */
export async function startWebPlatform(overrides: Partial<AppConfig> = {}): Promise<WebPlatform> {
  // A port found free may be taken by another test file (four run at once) before it is listened
  // on: take two new ones and try again.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startWebPlatformOnFreePorts(overrides);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 3) throw error;
    }
  }
}

async function startWebPlatformOnFreePorts(overrides: Partial<AppConfig>): Promise<WebPlatform> {
  const API_PORT = await freePort();
  const GATEWAY_PORT = await freePort();
  const platform = await startTestPlatform({
    API_PORT,
    GATEWAY_PORT,
    // The gateway admits sockets from the pages' own origin only (the default, for port 3000).
    CORS_ORIGINS: [`http://localhost:${API_PORT}`],
    ...overrides,
  });
  return Object.assign(platform, { web: `http://localhost:${API_PORT}` });
}

/** A phone held upright: the width every page must fit without scrolling sideways. */
export const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };

type ContextOptions = Parameters<Browser['newContext']>[0];

/** A signed-in page: the session is put where the sign-in page puts it. */
async function signedInContext(
  browser: Browser,
  web: string,
  user: TestUser,
  roles: string[],
  options: ContextOptions = {},
) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  await context.addInitScript(
    ({ session }) => (globalThis as any).localStorage.setItem('ggzy.session', session),
    { session: JSON.stringify({ token: user.token, user: { id: user.id, username: user.username, roles } }) },
  );
  return context;
}

function anonymousContext(browser: Browser, options: ContextOptions = {}) {
  return browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
}

/** Fails the test on any uncaught page error (a broken page must not pass by looking fine). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Screenshots for a reviewer: test-results/screenshots/ (git-ignored, not committed). */
export async function screenshot(page: Page, name: string) {
  const dir = join(process.cwd(), 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** What a browser spec works with; the platform and the browser exist from its first beforeAll on. */
export interface BrowserSuite {
  readonly platform: WebPlatform;
  readonly browser: Browser;
  /** The pages' origin, http://localhost:<api port>. */
  readonly web: string;
  /** The API's base URL, for setting things up without the pages. */
  readonly api: string;
  readonly config: AppConfig;
  /** A staff, supervisor or admin account, made as the operator CLI makes one. */
  operator(role: Parameters<typeof createOperator>[2]): Promise<TestUser>;
  /** A bidder who registered through the API. */
  bidder(): Promise<TestUser>;
  /**
   * An organisation's own bidder account (registered with its 统一社会信用代码): a supplier applying
   * with `orgCode` is shown on public pages by its registered name, the account's display name.
   */
  organization(): Promise<TestOrganization>;
  /** A browser context (zh-CN, China time) already signed in as `user`; closed with the suite. */
  signedIn(user: TestUser, roles: string[], options?: ContextOptions): Promise<BrowserContext>;
  /** A browser context nobody has signed in to (zh-CN, China time); closed with the suite. */
  anonymous(options?: ContextOptions): Promise<BrowserContext>;
  /** SQL as the database's owner: for moving a deadline into the past, as time would. */
  sql(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Today's date (YYYY-MM-DD) in the centre's time zone, as the platform counts days. */
  today(): Promise<string>;
  /** The names the pages show for these users (opening records, rankings, results). */
  displayNames(users: TestUser[]): Promise<(user: TestUser) => string>;
}

/**
 * Starts the platform and Chromium before the calling describe block's tests (its own beforeAll
 * hooks run after, so they may use them) and closes every context, the browser and the
 * platform after them.
 */
export function browserSuite(overrides: Partial<AppConfig> = {}): BrowserSuite {
  let platform: WebPlatform | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    platform = await startWebPlatform(overrides);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    await platform?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet: use it in beforeAll or a test`);
    return value;
  };
  const kept = (context: BrowserContext) => {
    contexts.push(context);
    return context;
  };
  return {
    get platform() {
      return started(platform, 'the platform');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    get web() {
      return this.platform.web;
    },
    get api() {
      return this.platform.api.url;
    },
    get config() {
      return this.platform.env.config;
    },
    operator(role) {
      return createOperator(this.config, this.api, role);
    },
    bidder() {
      return registerBidder(this.api);
    },
    organization() {
      return registerOrganization(this.api);
    },
    async signedIn(user, roles, options) {
      return kept(await signedInContext(this.browser, this.web, user, roles, options));
    },
    async anonymous(options) {
      return kept(await anonymousContext(this.browser, options));
    },
    async sql(text, values = []) {
      const client = new pg.Client({ connectionString: this.config.DATABASE_OWNER_URL });
      await client.connect();
      try {
        return await client.query(text, values);
      } finally {
        await client.end();
      }
    },
    async today() {
      const { rows } = await this.sql(`SELECT (clock_timestamp() AT TIME ZONE $1)::date::text AS today`, [
        this.config.CENTRE_TZ,
      ]);
      return rows[0].today as string;
    },
    async displayNames(users) {
      const { rows } = await this.sql(`SELECT id, display_name FROM users WHERE id = ANY($1)`, [
        users.map((user) => user.id),
      ]);
      const names = new Map(rows.map((row) => [row.id as string, row.display_name as string]));
      return (user) => names.get(user.id)!;
    },
  };
}

/** axe's serious and critical violations on the page, one line each (none is the goal). */
export async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** Horizontal scrolling on a phone: how much wider the document is than the viewport. */
export const overflow = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });

/**
 * No serious axe violation, and no sideways scrolling in Chinese or in English, then back to
 * Chinese. axe runs once, in Chinese: the language switch changes the texts, not the roles, names'
 * presence, landmarks or colours axe checks (and `lang` itself is checked), while each run costs a
 * loaded CI machine seconds; the English texts are what can overflow, so that is checked in both.
 */
export async function checkBothLanguages(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('html[lang=en]').waitFor({ state: 'attached' });
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await page.getByRole('button', { name: '中文' }).click();
  await page.locator('html[lang=zh-CN]').waitFor({ state: 'attached' });
}
