import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager, In, IsNull, LessThan, Not, MoreThan } from 'typeorm';
import type { TransferStatus } from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';
import { AuctionEntity } from '../auctions/auction.entity.js';
import { TransferProjectEntity } from './transfer-project.entity.js';

export type NewTransferProject = Omit<
  TransferProjectEntity,
  | 'id'
  | 'code'
  | 'resumeTo'
  | 'extensionsUsed'
  | 'relistCount'
  | 'relistedFrom'
  | 'relistedAs'
  | 'publishedOn'
  | 'endDecidedFor'
  | 'qualifiedBuyers'
  | 'finalPrice'
  | 'winnerId'
  | 'dealSource'
  | 'soldOn'
  | 'resultPublishedUntil'
  | 'confirmedOn'
  | 'contractDeadlineOn'
  | 'contractSignedOn'
  | 'contractSha256'
  | 'suspendedAt'
  | 'suspendedOn'
  | 'suspensionReason'
  | 'suspensionComplaintId'
  | 'terminationReason'
  | 'closingReason'
  | 'createdAt'
  | 'updatedAt'
>;

/** Transfer projects: the rows, their locks, the public list and the worker's due scans. */
@Injectable()
export class TransferProjectsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  private get projects() {
    return this.dataSource.getRepository(TransferProjectEntity);
  }

  /** Code 产权 CQ + year + a number from the sequence, as lease listings' GF codes. */
  async insert(
    manager: EntityManager,
    project: NewTransferProject,
    year: number,
    relisting?: { relistedFrom: string; relistCount: number },
  ) {
    const [{ n }] = (await manager.query(`SELECT nextval('transfer_project_code_seq') AS n`)) as {
      n: string;
    }[];
    const repo = manager.getRepository(TransferProjectEntity);
    return repo.save(
      repo.create({
        ...project,
        id: randomUUID(),
        code: `CQ${year}${n.padStart(4, '0')}`,
        resumeTo: null,
        extensionsUsed: 0,
        relistCount: relisting?.relistCount ?? 0,
        relistedFrom: relisting?.relistedFrom ?? null,
        relistedAs: null,
        publishedOn: null,
        endDecidedFor: null,
        qualifiedBuyers: 0,
        finalPrice: null,
        winnerId: null,
        dealSource: null,
        soldOn: null,
        resultPublishedUntil: null,
        confirmedOn: null,
        contractDeadlineOn: null,
        contractSignedOn: null,
        contractSha256: null,
        suspendedAt: null,
        suspendedOn: null,
        suspensionReason: null,
        terminationReason: null,
        closingReason: null,
      }),
    );
  }

  findById(id: string): Promise<TransferProjectEntity | null> {
    return this.reads.getRepository(TransferProjectEntity).findOneBy({ id });
  }

  /** Locks the project (before its auction, as every writer of both does). */
  lockById(manager: EntityManager, id: string): Promise<TransferProjectEntity | null> {
    return manager
      .getRepository(TransferProjectEntity)
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.id = :id', { id })
      .getOne();
  }

  async update(manager: EntityManager, id: string, changes: Partial<TransferProjectEntity>): Promise<void> {
    await manager.getRepository(TransferProjectEntity).update({ id }, changes);
  }

  /**
   * Newest first; `hidden` statuses (the drafts, for the public) are filtered in the query, and
   * `announcedOnly` leaves out every project never published (see wasTransferAnnounced).
   */
  async list(filter: {
    status?: TransferStatus;
    hidden: TransferStatus[];
    announcedOnly?: boolean;
    limit: number;
    offset: number;
  }) {
    const where =
      filter.status !== undefined
        ? { status: filter.status }
        : filter.hidden.length > 0
          ? { status: Not(In(filter.hidden)) }
          : {};
    const [items, total] = await this.reads.getRepository(TransferProjectEntity).findAndCount({
      where: filter.announcedOnly
        ? [
            { ...where, publishedOn: Not(IsNull()) },
            { ...where, relistCount: MoreThan(0) },
          ]
        : where,
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  /** The auctions of these projects (those that reached one), by id. */
  async auctionsOf(ids: string[]): Promise<Map<string, AuctionEntity>> {
    if (ids.length === 0) return new Map();
    const auctions = await this.reads.getRepository(AuctionEntity).findBy({ id: In(ids) });
    return new Map(auctions.map((auction) => [auction.id, auction]));
  }

  /**
   * Projects in `statuses` (the lifecycle table's: those an end-of-disclosure action leaves from)
   * whose disclosure ended before `today` and whose end has not been decided yet.
   */
  async findDisclosureEnded(statuses: TransferStatus[], today: string): Promise<TransferProjectEntity[]> {
    return this.projects
      .createQueryBuilder('p')
      .where('p.status IN (:...statuses)', { statuses })
      .andWhere('p.disclosure_ends_on < :today', { today })
      .andWhere('p.end_decided_for IS DISTINCT FROM p.disclosure_ends_on')
      .getMany();
  }

  /** Projects still unsigned in `statuses` whose contract deadline is before `today`. */
  findContractOverdue(statuses: TransferStatus[], today: string): Promise<TransferProjectEntity[]> {
    return this.projects.find({ where: { status: In(statuses), contractDeadlineOn: LessThan(today) } });
  }

  /**
   * A page of the projects in `statuses` (those in disclosure: the worker schedules the end of
   * each), in id order after `afterId`.
   */
  findDisclosingPage(
    statuses: TransferStatus[],
    afterId: string | null,
    limit: number,
  ): Promise<TransferProjectEntity[]> {
    return this.projects.find({
      where: { status: In(statuses), ...(afterId ? { id: MoreThan(afterId) } : {}) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /** The database's clock: the one every instance shares (inside `manager`'s transaction, if given). */
  async databaseNow(manager?: EntityManager): Promise<Date> {
    const rows = (await (manager ?? this.dataSource).query('SELECT clock_timestamp() AS now')) as {
      now: Date;
    }[];
    return rows[0].now;
  }
}
