import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { READ_DATA_SOURCE } from '../data-source.js';
import { ExpertEntity } from './expert.entity.js';

export type NewExpert = Omit<ExpertEntity, 'id' | 'createdAt' | 'updatedAt'>;
export type ExpertChanges = Partial<
  Pick<
    ExpertEntity,
    'available' | 'unavailableUntil' | 'employerName' | 'employerOrgCode' | 'specialties' | 'phone'
  >
>;

export interface ExpertFilter {
  specialty?: string;
  /** Drawable on `today` (true) or not (false): the flag and the stated absence together. */
  availableOn?: { today: string; available: boolean };
  limit: number;
  offset: number;
}

/** An expert as the draw reads it: the fields the exclusions need and the days sat with the owner. */
export interface PoolCandidateRow {
  id: string;
  specialties: string[];
  employerOrgCode: string;
  available: boolean;
  unavailableUntil: string | null;
  satWithOwnerOn: string[];
}

/** The expert pool (专家库): the records, the staff list and the draw's read of the pool. */
@Injectable()
export class ExpertsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  async insert(manager: EntityManager, expert: NewExpert): Promise<ExpertEntity> {
    const repo = manager.getRepository(ExpertEntity);
    return repo.save(repo.create({ ...expert, id: randomUUID() }));
  }

  findById(id: string, manager?: EntityManager): Promise<ExpertEntity | null> {
    return (manager ?? this.reads.manager).getRepository(ExpertEntity).findOneBy({ id });
  }

  lockById(manager: EntityManager, id: string): Promise<ExpertEntity | null> {
    return manager
      .getRepository(ExpertEntity)
      .createQueryBuilder('e')
      .setLock('pessimistic_write')
      .where('e.id = :id', { id })
      .getOne();
  }

  async update(manager: EntityManager, id: string, changes: ExpertChanges): Promise<void> {
    await manager.getRepository(ExpertEntity).update({ id }, changes);
  }

  /** Newest first, then by id, so pages never overlap. */
  async list(filter: ExpertFilter): Promise<{ items: ExpertEntity[]; total: number }> {
    const query = this.reads.getRepository(ExpertEntity).createQueryBuilder('e');
    if (filter.specialty !== undefined)
      // Containment, so the GIN index on specialties serves it.
      query.andWhere('e.specialties @> ARRAY[CAST(:specialty AS text)]', { specialty: filter.specialty });
    if (filter.availableOn) {
      const drawable = 'e.available AND (e.unavailable_until IS NULL OR e.unavailable_until < :today)';
      query.andWhere(filter.availableOn.available ? `(${drawable})` : `NOT (${drawable})`, {
        today: filter.availableOn.today,
      });
    }
    const [items, total] = await query
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'ASC')
      .take(filter.limit)
      .skip(filter.offset)
      .getManyAndCount();
    return { items, total };
  }

  /**
   * Every expert with one of `specialties`, each with the days they sat with `ownerOrgCode`
   * since `sittingsSince` on a current draw of another host (a redraw for the same host does
   * not count its own committee against itself; a superseded draw's members never sat).
   */
  async poolFor(
    manager: EntityManager,
    query: {
      specialties: string[];
      ownerOrgCode: string;
      sittingsSince: string;
      host: { hostType: string; hostId: string };
    },
  ): Promise<PoolCandidateRow[]> {
    // Named parameters, numbered by TypeORM's driver: none can shift another.
    const [sql, parameters] = manager.connection.driver.escapeQueryWithParameters(
      `SELECT e.id, e.specialties, e.employer_org_code AS "employerOrgCode", e.available,
              to_char(e.unavailable_until, 'YYYY-MM-DD') AS "unavailableUntil",
              ARRAY(SELECT to_char(s.sat_on, 'YYYY-MM-DD')
                      FROM committee_sittings s
                      JOIN committee_draws d ON d.id = s.draw_id AND d.current
                     WHERE s.expert_id = e.id AND s.owner_org_code = :owner AND s.sat_on >= :since
                       AND NOT (s.host_type = :hostType AND s.host_id = :hostId)
                     ORDER BY s.sat_on) AS "satWithOwnerOn"
         FROM experts e
        WHERE e.specialties && CAST(:specialties AS text[])
        ORDER BY e.id`,
      {
        specialties: query.specialties,
        owner: query.ownerOrgCode,
        since: query.sittingsSince,
        hostType: query.host.hostType,
        hostId: query.host.hostId,
      },
    );
    return (await manager.query(sql, parameters)) as PoolCandidateRow[];
  }
}
