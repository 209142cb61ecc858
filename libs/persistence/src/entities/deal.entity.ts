import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { fenColumn } from './column-types.js';

import type { DealCategory } from '@ggzy/domain';

// The categories are the domain's; re-exported for the code that already reads them from here.
export { DEAL_CATEGORIES, type DealCategory } from '@ggzy/domain';

@Entity('deals')
export class DealEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 32 }) category!: DealCategory;
  @Column({ type: 'varchar', length: 32, nullable: true }) subtype!: string | null;
  @Column({ name: 'source_type', type: 'varchar', length: 32 }) sourceType!: string;
  @Column({ name: 'source_id', type: 'uuid', nullable: true }) sourceId!: string | null;
  @Column({ type: 'varchar', length: 500 }) title!: string;
  @Column({ type: 'bigint', transformer: fenColumn }) amount!: number;
  @Column({ name: 'winner_id', type: 'uuid', nullable: true }) winnerId!: string | null;
  @Column({ name: 'winner_name', type: 'varchar', length: 200 }) winnerName!: string;
  @Column({ name: 'closed_at', type: 'timestamptz' }) closedAt!: Date;
  @Column({ name: 'external_ref', type: 'varchar', length: 100, nullable: true }) externalRef!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
