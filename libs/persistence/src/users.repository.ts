import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, rolesAreCompatible } from '@ggzy/domain';
import { type Role, UserEntity } from './entities/user.entity.js';
import { isUniqueViolation } from './data-source.js';

export interface NewUser {
  username: string;
  passwordHash: string;
  displayName: string;
  orgCode?: string | null;
  roles: Role[];
}

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(UserEntity);
  }

  async create(user: NewUser): Promise<UserEntity> {
    if (!rolesAreCompatible(user.roles))
      throw new DomainError(
        'VALIDATION_FAILED',
        'a bidder account cannot also be staff, supervisor or admin',
      );
    try {
      return await this.repo.save(this.repo.create({ ...user, orgCode: user.orgCode ?? null }));
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('USERNAME_TAKEN', `username ${user.username} is taken`);
      throw error;
    }
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ username });
  }

  /** Inside a transaction, pass its manager (a second connection from the pool can deadlock it). */
  findById(id: string, manager?: EntityManager): Promise<UserEntity | null> {
    return manager ? manager.getRepository(UserEntity).findOneBy({ id }) : this.repo.findOneBy({ id });
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.repo.update({ id }, { passwordHash });
  }
}
