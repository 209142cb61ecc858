import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DepositState } from '@ggzy/domain';
import {
  RegistrationEntity,
  type RegistrationHost,
  type RegistrationHostType,
} from './registration.entity.js';

/** A registration as lists show it: with its deposit's state (null where none is recorded). */
export type RegistrationWithDeposit = RegistrationEntity & { depositState: DepositState | null };
/** A host's registration as staff list it: with the applying account's display name (never public). */
export type RegistrationForStaff = RegistrationWithDeposit & { accountName?: string };

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

  findOf(
    host: RegistrationHost,
    bidderId: string,
    manager?: EntityManager,
  ): Promise<RegistrationEntity | null> {
    return (manager ?? this.dataSource.manager)
      .getRepository(RegistrationEntity)
      .findOneBy({ ...host, bidderId });
  }

  async insert(
    manager: EntityManager,
    host: RegistrationHost,
    bidderId: string,
    organizationCode: string | null = null,
  ): Promise<RegistrationEntity> {
    const repo = manager.getRepository(RegistrationEntity);
    return repo.save(repo.create({ ...host, bidderId, organizationCode, status: 'pending' }));
  }

  /**
   * Where the application came from (early warning): columns no entity maps, so no read of a
   * registration returns them; supervisors' detectors read them by SQL.
   */
  async recordOrigin(
    manager: EntityManager,
    id: string,
    origin: { clientAddress: string | null; deviceFingerprint: string | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE registrations SET client_address = $2, device_fingerprint = $3 WHERE id = $1`,
      [id, origin.clientAddress, origin.deviceFingerprint],
    );
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

  /**
   * A host's registrations for staff, with the applying account's display name — what staff
   * check the organisation's registered name against (it is never published).
   */
  async list(
    host: RegistrationHost,
    limit: number,
    offset: number,
  ): Promise<{ items: RegistrationForStaff[]; total: number }> {
    const [items, total] = await this.registrations.findAndCount({
      where: { ...host },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    const withDeposits = await this.withDepositStates(items);
    if (withDeposits.length === 0) return { items: [], total };
    const rows = (await this.dataSource.query(
      'SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])',
      [[...new Set(items.map((item) => item.bidderId))]],
    )) as { id: string; display_name: string }[];
    const names = new Map(rows.map((row) => [row.id, row.display_name]));
    return {
      items: withDeposits.map((item) => Object.assign(item, { accountName: names.get(item.bidderId) ?? '' })),
      total,
    };
  }

  /** How many have applied to the host, and how many of them are qualified. */
  async countOf(host: RegistrationHost): Promise<{ registrations: number; qualified: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS registrations, count(*) FILTER (WHERE status = 'qualified')::int AS qualified
       FROM registrations WHERE host_type = $1 AND host_id = $2`,
      [host.hostType, host.hostId],
    )) as { registrations: number; qualified: number }[];
    return row;
  }

  /** A bidder's own applications on one line, newest first. */
  async listOfBidder(hostType: RegistrationHostType, bidderId: string, limit: number, offset: number) {
    const [items, total] = await this.registrations.findAndCount({
      where: { hostType, bidderId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: await this.withDepositStates(items), total };
  }

  /** One query for the page's deposits, not one per row. */
  private async withDepositStates(items: RegistrationEntity[]): Promise<RegistrationWithDeposit[]> {
    if (items.length === 0) return [];
    const rows = (await this.dataSource.query(
      'SELECT registration_id, state FROM deposits WHERE registration_id = ANY($1)',
      [items.map((item) => item.id)],
    )) as { registration_id: string; state: DepositState }[];
    const states = new Map(rows.map((row) => [row.registration_id, row.state]));
    return items.map((item) => Object.assign(item, { depositState: states.get(item.id) ?? null }));
  }
}
