import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * An expert of the pool (专家库). `phone` is personal: it leaves only in staff's views, never in
 * logs, audit entries or draw records. `unavailableUntil` is the last day away (CENTRE_TZ).
 */
@Entity('experts')
export class ExpertEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ name: 'employer_name', type: 'varchar', length: 200 }) employerName!: string;
  @Column({ name: 'employer_org_code', type: 'char', length: 18 }) employerOrgCode!: string;
  @Column({ type: 'text', array: true }) specialties!: string[];
  @Column({ type: 'boolean' }) available!: boolean;
  @Column({ name: 'unavailable_until', type: 'date', nullable: true }) unavailableUntil!: string | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) phone!: string | null;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
