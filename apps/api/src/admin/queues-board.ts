import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { type AuthUser, CurrentUser, hasAnyRole, Roles, TokenService } from '@ggzy/auth';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import { AlertQueue, AuctionScheduler, DepositQueue, ReportQueue, TransferScheduler } from '@ggzy/queues';

/** Where the dashboard lives; the session cookie is sent there and nowhere else. */
export const QUEUES_BOARD_PATH = '/admin/queues';
export const QUEUES_COOKIE = 'ggzy_queues';
/** A dashboard session is short: a browser opens it right after the page asks for it. */
export const QUEUES_SESSION_SECONDS = 15 * 60;
/**
 * Its own issuer, so an access token is never a dashboard cookie and the cookie's JWT is never
 * an access token (TokenService only accepts issuer `ggzy`).
 */
const QUEUES_ISSUER = 'ggzy-queues';
const ALGORITHM = 'HS256';
const BOARD_ROLES = ['admin', 'supervisor'] as const;

interface BoardSession {
  username: string;
  /** Admins may act on jobs; supervisors only look. */
  canAct: boolean;
}

/**
 * The dashboard is opened by navigation, which carries no bearer token: the web app trades its
 * token for this cookie (HttpOnly, SameSite=Strict, Path=/admin/queues, signed with JWT_SECRET).
 */
@ApiTags('accounts')
@Controller('auth')
export class QueuesSessionController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Post('queues-session')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles(...BOARD_ROLES)
  open(
    @CurrentUser() user: AuthUser,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    // Never longer than the access token it was traded for.
    const tokenLeftSeconds = user.expiresAt ? Math.floor((user.expiresAt - Date.now()) / 1000) : Infinity;
    const seconds = Math.max(1, Math.min(QUEUES_SESSION_SECONDS, tokenLeftSeconds));
    const session = jwt.sign(
      { username: user.username, canAct: user.roles.includes('admin') },
      this.config.JWT_SECRET,
      { algorithm: ALGORITHM, subject: user.id, issuer: QUEUES_ISSUER, expiresIn: seconds },
    );
    response.cookie(QUEUES_COOKIE, session, {
      httpOnly: true,
      sameSite: 'strict',
      path: QUEUES_BOARD_PATH,
      secure: request.secure || this.config.NODE_ENV === 'production',
      maxAge: seconds * 1000,
    });
    return { path: `${QUEUES_BOARD_PATH}/`, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() };
  }
}

/** The session cookie's JWT, or the error the caller gets as `{code, message}`. */
function verifySession(token: string, secret: string): BoardSession {
  try {
    const claims = jwt.verify(token, secret, { algorithms: [ALGORITHM], issuer: QUEUES_ISSUER });
    if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.canAct !== 'boolean') {
      throw new Error('malformed claims');
    }
    return { username: String(claims.username), canAct: claims.canAct };
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      throw new DomainError('TOKEN_EXPIRED', 'the queues session has expired: open the dashboard again');
    }
    throw new DomainError('INVALID_TOKEN', 'the queues session is invalid');
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/**
 * Who may see the board: the session cookie, or a bearer token (for scripts) of an admin or a
 * supervisor. Everyone else gets a JSON `{code, message}`, never the board.
 */
function boardSession(request: Request, config: AppConfig, tokens: TokenService): BoardSession {
  const cookie = readCookie(request.headers.cookie, QUEUES_COOKIE);
  if (cookie !== undefined) return verifySession(cookie, config.JWT_SECRET);
  const user = tokens.fromAuthorizationHeader(request.headers.authorization);
  if (!user) throw new DomainError('UNAUTHENTICATED', 'sign in as an admin or a supervisor first');
  if (!hasAnyRole(user, BOARD_ROLES)) {
    throw new DomainError('FORBIDDEN', 'the queues dashboard is for admins and supervisors');
  }
  return { username: user.username, canAct: user.roles.includes('admin') };
}

async function board(queues: ReturnType<typeof queuesOf>, readOnlyMode: boolean): Promise<RequestHandler> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUES_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode })),
    serverAdapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'ggzy queues (read-only)' : 'ggzy queues' } },
  });
  return serverAdapter.getRouter() as RequestHandler;
}

function queuesOf(app: NestExpressApplication) {
  return [
    app.get(AuctionScheduler).queue,
    app.get(TransferScheduler).queue,
    app.get(DepositQueue).queue,
    app.get(ReportQueue).queue,
    app.get(AlertQueue).queue,
  ];
}

/**
 * bull-board at /admin/queues on the API's own queue handles (`auctions`, `transfers`,
 * `deposits`, `reports`, `alerts`): a full board for admins, a read-only one for supervisors, whose
 * non-GET requests are refused here too. Works on both queue backends (bull-board reads BullMQ's PostgreSQL backend as well).
 */
export function mountQueuesBoard(app: NestExpressApplication, config: AppConfig) {
  const queues = queuesOf(app);
  // Built on the first signed-in request: bull-board costs every API start ~0.5 s that is
  // seldom used, and most API processes (and every test) never open the board.
  let boards: Promise<{ forAdmins: RequestHandler; forSupervisors: RequestHandler }> | undefined;
  const boardsOnce = () =>
    (boards ??= Promise.all([board(queues, false), board(queues, true)]).then(
      ([forAdmins, forSupervisors]) => ({
        forAdmins,
        forSupervisors,
      }),
    ));
  const tokens = app.get(TokenService);
  app.use(QUEUES_BOARD_PATH, (request: Request, response: Response, next: NextFunction) => {
    try {
      const session = boardSession(request, config, tokens);
      if (!session.canAct && request.method !== 'GET' && request.method !== 'HEAD') {
        throw new DomainError('FORBIDDEN', 'supervisors see the queues read-only');
      }
      response.setHeader('cache-control', 'no-store');
      boardsOnce().then(
        ({ forAdmins, forSupervisors }) =>
          (session.canAct ? forAdmins : forSupervisors)(request, response, next),
        next,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) return next(error);
      response.status(error.status).json({ code: error.code, message: error.message });
    }
  });
}
