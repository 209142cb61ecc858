import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort } from '../../libs/persistence/src/embedded-postgres.js';
import type { AppConfig } from '../../libs/common/src/config.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import type { TestUser } from '../support/factories.js';

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

/** A signed-in page: the session is put where the sign-in page puts it. */
export async function signedInContext(
  browser: Browser,
  web: string,
  user: TestUser,
  roles: string[],
  options: Parameters<Browser['newContext']>[0] = {},
) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  await context.addInitScript(
    ({ session }) => (globalThis as any).localStorage.setItem('ggzy.session', session),
    { session: JSON.stringify({ token: user.token, user: { id: user.id, username: user.username, roles } }) },
  );
  return context;
}

export function anonymousContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}) {
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

export async function closeAll(...contexts: (BrowserContext | undefined)[]) {
  await Promise.all(contexts.map((context) => context?.close().catch(() => {})));
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
