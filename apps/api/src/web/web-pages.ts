import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '@ggzy/common';

/** Paths the pages never shadow: the API, its docs, health checks and the queue dashboard. */
const NOT_PAGES = /^\/(api|docs|health|queues|admin\/queues)(\/|$|-)/;

/**
 * The Content-Security-Policy's connect-src for the pages: their own origin and the gateway the
 * page will open its socket to (PUBLIC_GATEWAY_URL, else the host the browser asked for on
 * GATEWAY_PORT), as http(s) and ws(s).
 */
export function gatewayConnectSources(config: AppConfig) {
  return (request: IncomingMessage): string => {
    const gateway = config.PUBLIC_GATEWAY_URL
      ? new URL(config.PUBLIC_GATEWAY_URL)
      : new URL(`http://${hostOf(request)}:${config.GATEWAY_PORT}`);
    const ws = gateway.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${gateway.origin} ${ws}//${gateway.host}`;
  };
}

/** The host name the browser used (no port), restricted to host characters. */
function hostOf(request: IncomingMessage): string {
  const host = (request.headers.host ?? 'localhost').replace(/:\d+$/, '');
  return /^[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/i.test(host) ? host : 'localhost';
}

/** The built web app (`npm run build` → dist/web), from the compiled api or from its sources under jest. */
export function findWebRoot(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../../../web'), join(here, '../../../../dist/web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** What the page needs to know about this deployment; nothing secret. */
export function runtimeConfig(config: AppConfig) {
  return {
    gatewayUrl: config.PUBLIC_GATEWAY_URL ?? null,
    gatewayPort: config.GATEWAY_PORT,
    timeZone: config.CENTRE_TZ,
  };
}

/**
 * Serves the web app at `/`: hashed assets cached for good, index.html for every other
 * page path (the app routes in the browser), `/config.json` for the gateway's address.
 */
export function serveWebPages(app: NestExpressApplication, config: AppConfig, logger: Logger) {
  app.use('/config.json', (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    response.setHeader('cache-control', 'no-store');
    response.json(runtimeConfig(config));
  });
  const root = findWebRoot();
  if (!root) {
    logger.warn('web pages not built (npm run build); serving the API only');
    return;
  }
  app.useStaticAssets(join(root, 'assets'), {
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
  });
  const indexHtml = join(root, 'index.html');
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (NOT_PAGES.test(request.path) || request.path.startsWith('/assets/')) return next();
    if (!(request.headers.accept ?? '').includes('text/html')) return next();
    response.setHeader('cache-control', 'no-cache');
    response.sendFile(indexHtml);
  });
}
