import { Column, Entity, PrimaryColumn } from 'typeorm';
import { toSafeInteger } from './column-types.js';

@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryColumn({ type: 'bigint', transformer: { to: (v: number) => v, from: toSafeInteger } }) seq!: number;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId!: string | null;
  @Column({ type: 'varchar', length: 64 }) action!: string;
  @Column({ name: 'entity_type', type: 'varchar', length: 32 }) entityType!: string;
  @Column({ name: 'entity_id', type: 'varchar', length: 64 }) entityId!: string;
  @Column({ type: 'text' }) payload!: string;
  @Column({ name: 'prev_hash', type: 'char', length: 64 }) prevHash!: string;
  @Column({ type: 'char', length: 64 }) hash!: string;
}
