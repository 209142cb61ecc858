import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@ggzy/domain';
import { type Role, type UserEntity, UsersRepository } from '@ggzy/persistence';
import { PasswordHasher } from './password-hasher.js';
import { SignInLimits } from './sign-in-limits.js';
import { TokenService } from './token.service.js';

export function toUserView(user: UserEntity) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    orgCode: user.orgCode,
    roles: user.roles,
  };
}

@Injectable()
export class AccountsService {
  private dummyHashPromise?: Promise<string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly limits: SignInLimits,
  ) {}

  async create(input: {
    username: string;
    password: string;
    displayName: string;
    orgCode?: string | null;
    roles: Role[];
  }) {
    const passwordHash = await this.hasher.hash(input.password);
    return this.users.create({ ...input, passwordHash });
  }

  /** Registration through the API only ever makes bidders; other roles come from the operator CLI. */
  async registerBidder(
    input: { username: string; password: string; displayName: string; orgCode?: string },
    clientAddress: string,
  ) {
    await this.limits.countRegistration(clientAddress);
    return toUserView(await this.create({ ...input, roles: ['bidder'] }));
  }

  /** Wrong passwords slow down that name at that address, and a noisy address; see SignInLimits. */
  async login(username: string, password: string, clientAddress: string) {
    const attempt = await this.limits.begin(username, clientAddress);
    let user: Awaited<ReturnType<UsersRepository['findByUsername']>>;
    let ok: boolean;
    try {
      user = await this.users.findByUsername(username);
      // Verify against a hash even for unknown names, so timing does not reveal which names exist.
      ok = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), password);
    } catch (error) {
      await this.limits.abandoned(attempt);
      throw error;
    }
    if (!user || !ok) {
      await this.limits.failed(attempt);
      throw new DomainError('INVALID_CREDENTIALS', 'wrong username or password');
    }
    await this.limits.succeeded(attempt);
    return {
      accessToken: this.tokens.issue({ id: user.id, username: user.username, roles: user.roles }),
      user: { id: user.id, username: user.username, roles: user.roles },
    };
  }

  private get dummyHash(): Promise<string> {
    this.dummyHashPromise ??= this.hasher.hash(randomUUID());
    return this.dummyHashPromise;
  }

  async me(id: string) {
    const user = await this.users.findById(id);
    if (!user) throw new DomainError('INVALID_TOKEN', 'the account no longer exists');
    return toUserView(user);
  }
}
