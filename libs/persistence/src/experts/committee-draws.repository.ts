import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CommitteeHostType } from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';
import { CommitteeDrawEntity } from './committee-draw.entity.js';

export interface CommitteeHost {
  hostType: CommitteeHostType;
  hostId: string;
}

export type NewCommitteeDraw = Omit<CommitteeDrawEntity, 'current' | 'supersededBy' | 'supersededAt'>;

/** Committee draws and the sittings they write; draws are kept for good (see the migration). */
@Injectable()
export class CommitteeDrawsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  /**
   * Draws for one owner are made one at a time: two hosts of the same owner drawing together
   * would not see each other's sittings and could seat the same expert with that owner twice.
   */
  async lockOwner(manager: EntityManager, ownerOrgCode: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('committee_draw_owner'), hashtext($1))`, [
      ownerOrgCode,
    ]);
  }

  findById(id: string, manager?: EntityManager): Promise<CommitteeDrawEntity | null> {
    return (manager ?? this.reads.manager).getRepository(CommitteeDrawEntity).findOneBy({ id });
  }

  findCurrent(host: CommitteeHost, manager?: EntityManager): Promise<CommitteeDrawEntity | null> {
    return (manager ?? this.reads.manager)
      .getRepository(CommitteeDrawEntity)
      .findOneBy({ hostType: host.hostType, hostId: host.hostId, current: true });
  }

  /**
   * Writes the draw and one sitting per member; `supersedes` (the host's current draw, if any)
   * gives up `current` first, naming the new draw (its foreign key is checked at commit).
   */
  async insert(
    manager: EntityManager,
    draw: NewCommitteeDraw,
    supersedes: { id: string; at: Date } | null,
  ): Promise<void> {
    if (supersedes)
      await manager
        .getRepository(CommitteeDrawEntity)
        .update(
          { id: supersedes.id, current: true },
          { current: false, supersededBy: draw.id, supersededAt: supersedes.at },
        );
    await manager
      .getRepository(CommitteeDrawEntity)
      .insert({ ...draw, current: true, supersededBy: null, supersededAt: null });
    await manager
      .createQueryBuilder()
      .insert()
      .into('committee_sittings', [
        'draw_id',
        'expert_id',
        'owner_org_code',
        'sat_on',
        'host_type',
        'host_id',
      ])
      .values(
        draw.memberIds.map((expertId) => ({
          draw_id: draw.id,
          expert_id: expertId,
          owner_org_code: draw.ownerOrgCode,
          sat_on: draw.drawDay,
          host_type: draw.hostType,
          host_id: draw.hostId,
        })),
      )
      .execute();
  }
}
