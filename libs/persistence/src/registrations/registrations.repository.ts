import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuctionHostType } from '../auctions/auction.entity.js';
import { RegistrationEntity, type RegistrationHost } from './registration.entity.js';

/** Registrations of every line, each keyed by its host (`host_type`, `host_id`). */
@Injectable()
export class RegistrationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get registrations() {
    return this.dataSource.getRepository(RegistrationEntity);
  }

  /** Inside a transaction, pass its manager: a second connection from the pool can deadlock it. */
  find(host: RegistrationHost, id: string, manager?: EntityManager): Promise<RegistrationEntity | null> {
    return (manager ?? this.dataSource.manager).getRepository(RegistrationEntity).findOneBy({ ...host, id });
  }

  findOf(host: RegistrationHost, bidderId: string): Promise<RegistrationEntity | null> {
    return this.registrations.findOneBy({ ...host, bidderId });
  }

  async insert(
    manager: EntityManager,
    host: RegistrationHost,
    bidderId: string,
  ): Promise<RegistrationEntity> {
    const repo = manager.getRepository(RegistrationEntity);
    return repo.save(repo.create({ ...host, bidderId, status: 'pending' }));
  }

  async bidderCodeTaken(
    manager: EntityManager,
    host: RegistrationHost,
    bidderCode: string,
  ): Promise<boolean> {
    return manager.getRepository(RegistrationEntity).existsBy({ ...host, bidderCode });
  }

  async update(manager: EntityManager, id: string, changes: Partial<RegistrationEntity>): Promise<void> {
    await manager.getRepository(RegistrationEntity).update({ id }, changes);
  }

  /** Every qualified registration of the host, in order of application (inside its transaction). */
  qualifiedOf(manager: EntityManager, host: RegistrationHost): Promise<RegistrationEntity[]> {
    return manager.getRepository(RegistrationEntity).find({
      where: { ...host, status: 'qualified' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async list(host: RegistrationHost, limit: number, offset: number) {
    const [items, total] = await this.registrations.findAndCount({
      where: { ...host },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  /** A bidder's own applications on one line, newest first. */
  async listOfBidder(hostType: AuctionHostType, bidderId: string, limit: number, offset: number) {
    const [items, total] = await this.registrations.findAndCount({
      where: { hostType, bidderId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }
}
