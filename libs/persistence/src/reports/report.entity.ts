import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ReportGrouping, ReportKind, ReportResult, ReportStatus } from '@ggzy/domain';

@Entity('reports')
export class ReportEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 16 }) kind!: ReportKind;
  @Column({ name: 'period_from', type: 'date' }) from!: string;
  @Column({ name: 'period_to', type: 'date' }) to!: string;
  @Column({ name: 'group_by', type: 'varchar', length: 8 }) groupBy!: ReportGrouping;
  @Column({ type: 'varchar', length: 16 }) status!: ReportStatus;
  @Column({ type: 'smallint' }) progress!: number;
  @Column({ type: 'jsonb', nullable: true }) result!: ReportResult | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'requested_by', type: 'uuid', nullable: true }) requestedBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}
