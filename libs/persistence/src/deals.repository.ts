import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DealCategory } from './entities/deal.entity.js';
import { DealEntity } from './entities/deal.entity.js';

export interface NewDeal {
  category: DealCategory;
  subtype: string | null;
  sourceType: string;
  sourceId: string | null;
  title: string;
  amount: number;
  winnerId: string | null;
  winnerName: string;
  closedAt: Date;
  externalRef?: string | null;
}

export interface DealFilter {
  category?: DealCategory;
  subtype?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

@Injectable()
export class DealsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, deal: NewDeal): Promise<DealEntity> {
    const repo = manager.getRepository(DealEntity);
    return repo.save(repo.create({ ...deal, externalRef: deal.externalRef ?? null }));
  }

  async list(filter: DealFilter): Promise<{ items: DealEntity[]; total: number }> {
    const query = this.dataSource.getRepository(DealEntity).createQueryBuilder('d');
    if (filter.category) query.andWhere('d.category = :category', { category: filter.category });
    if (filter.subtype) query.andWhere('d.subtype = :subtype', { subtype: filter.subtype });
    if (filter.from) query.andWhere('d.closed_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('d.closed_at < :to', { to: filter.to });
    const [items, total] = await query
      .orderBy('d.closed_at', 'DESC')
      .addOrderBy('d.id', 'ASC')
      .take(filter.limit)
      .skip(filter.offset)
      .getManyAndCount();
    return { items, total };
  }
}
