import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import { ROLES, type Role } from '@ggzy/persistence';
import type { AuthUser } from './auth-user.js';

const ALGORITHM = 'HS256';
const ISSUER = 'ggzy';

@Injectable()
export class TokenService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  issue(user: AuthUser): string {
    return jwt.sign({ username: user.username, roles: user.roles }, this.config.JWT_SECRET, {
      algorithm: ALGORITHM,
      subject: user.id,
      issuer: ISSUER,
      expiresIn: this.config.JWT_TTL_SECONDS,
    });
  }

  /** Only HS256 with our secret passes: `alg: none` and forged signatures are INVALID_TOKEN. */
  verify(token: string): AuthUser {
    try {
      const claims = jwt.verify(token, this.config.JWT_SECRET, { algorithms: [ALGORITHM], issuer: ISSUER });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string' || !Array.isArray(claims.roles)) {
        throw new Error('malformed claims');
      }
      const roles = claims.roles.filter((role): role is Role => ROLES.includes(role as Role));
      const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
      return { id: claims.sub, username: String(claims.username), roles, expiresAt };
    } catch {
      throw new DomainError('INVALID_TOKEN', 'the access token is invalid or expired');
    }
  }

  /** Reads `Bearer <token>`; undefined when no token was given at all. */
  fromAuthorizationHeader(header: string | undefined): AuthUser | undefined {
    if (header === undefined || header === '') return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('INVALID_TOKEN', 'the Authorization header must be "Bearer <token>"');
    return this.verify(match[1]);
  }
}
