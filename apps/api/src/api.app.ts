import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { hasAnyRole, TokenService } from '@ggzy/auth';
import { type AppConfig, createValidationPipe, PinoNestLogger, trustedProxyHops } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import { ApiModule } from './api.module.js';
import { gatewayConnectSources, serveWebPages } from './web/web-pages.js';
import { mountQueuesBoard } from './admin/queues-board.js';

/** Builds the HTTP API; main.ts listens, tests call this directly. */
export async function createApiApp(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  // The same hop rule as clientAddress (the limits' key), so request.ip in logs agrees with it.
  app.set('trust proxy', trustedProxyHops(config.TRUST_PROXY));
  // The pages open a socket to the gateway (another port, so another origin): connect-src names it.
  const apiHeaders = helmet({
    contentSecurityPolicy: { directives: { connectSrc: ["'self'", gatewayConnectSources(config)] } },
  });
  // Swagger UI needs its own scripts and styles, so /docs gets every header but the CSP.
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  app.use((request: Request, response: Response, next: NextFunction) =>
    (request.path.startsWith('/docs') ? docsHeaders : apiHeaders)(request, response, next),
  );
  // 10,000 historical deals do not fit the general 1 MB limit: that one route gets more, but only
  // for a valid staff token, checked before a byte is parsed. Anyone else gets the general limit
  // (and the guards' 401/403). Registered first, so the general parser sees the body already read.
  const importBody = json({ limit: '8mb' });
  const tokens = app.get(TokenService);
  app.use('/api/deals/import', (request: Request, response: Response, next: NextFunction) =>
    isStaff(tokens, request) ? importBody(request, response, next) : next(),
  );
  app.useBodyParser('json', { limit: '1mb' });
  app.use(
    pinoHttp({
      logger,
      genReqId: (request, response) => {
        const id = (request.headers['x-request-id'] as string | undefined) ?? randomUUID();
        response.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (request) => request.url === '/api/health' },
    }),
  );
  app.setGlobalPrefix('api');
  mountQueuesBoard(app, config);
  serveWebPages(app, config, logger);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('ggzy — public-resource trading platform')
      .setDescription(
        'Money is integer fen (分); times are ISO-8601 UTC; every error is {code, message, details?}.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  if (config.NODE_ENV === 'production') {
    // The UI and both machine-readable copies of the description (/docs-json, /docs-yaml).
    const guard = staffOnly(app.get(TokenService));
    app.use((request: Request, response: Response, next: NextFunction) =>
      DOCS_PATHS.test(request.path) ? guard(request, response, next) : next(),
    );
  }
  SwaggerModule.setup('docs', app, document);
  return app;
}

/** True only for a valid token with the staff role; any problem is left for the guards to answer. */
function isStaff(tokens: TokenService, request: Request): boolean {
  try {
    const user = tokens.fromAuthorizationHeader(request.headers.authorization);
    return user !== undefined && hasAnyRole(user, ['staff']);
  } catch {
    return false;
  }
}

const DOCS_PATHS = /^\/docs(-json|-yaml)?(\/|$)/;

/** In production the API description is for the centre's staff: a staff Bearer token opens it. */
function staffOnly(tokens: TokenService) {
  return (request: Request, response: Response, next: NextFunction) => {
    try {
      const user = tokens.fromAuthorizationHeader(request.headers.authorization);
      if (!user) throw new DomainError('UNAUTHENTICATED', 'the API description needs a staff sign-in');
      if (!hasAnyRole(user, ['staff', 'admin']))
        throw new DomainError('FORBIDDEN', 'the API description needs a staff sign-in');
      next();
    } catch (error) {
      const { code, message, status } = error as DomainError;
      response.status(status).json({ code, message });
    }
  };
}
