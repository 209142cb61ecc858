import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CommitteeHostType, RecordedPoolExpert, SpecialtyNeed } from '@ggzy/domain';

/** The size rule the draw was made under and the split it was checked for. */
export interface RecordedCommitteeRule {
  minMembers: number;
  members: number;
  experts: number;
  ownerRepresentatives: number;
  minExperts: number;
}

/**
 * One committee draw for a host, kept for good (a redraw supersedes it; see the migration
 * 1764400000100). Enough is recorded to replay it without the live pool.
 */
@Entity('committee_draws')
export class CommitteeDrawEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'host_type', type: 'varchar', length: 24 }) hostType!: CommitteeHostType;
  @Column({ name: 'host_id', type: 'uuid' }) hostId!: string;
  @Column({ name: 'owner_org_code', type: 'char', length: 18 }) ownerOrgCode!: string;
  @Column({ name: 'bidder_org_codes', type: 'text', array: true }) bidderOrgCodes!: string[];
  @Column({ type: 'jsonb' }) rule!: RecordedCommitteeRule;
  @Column({ type: 'jsonb' }) needs!: SpecialtyNeed[];
  @Column({ type: 'varchar', length: 128 }) seed!: string;
  @Column({ name: 'recent_sitting_days', type: 'integer' }) recentSittingDays!: number;
  @Column({ name: 'draw_day', type: 'date' }) drawDay!: string;
  @Column({ type: 'jsonb' }) candidates!: RecordedPoolExpert[];
  @Column({ name: 'member_ids', type: 'uuid', array: true }) memberIds!: string[];
  @Column({ type: 'boolean' }) current!: boolean;
  @Column({ name: 'superseded_by', type: 'uuid', nullable: true }) supersededBy!: string | null;
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt!: Date | null;
  @Column({ name: 'drawn_by', type: 'uuid' }) drawnBy!: string;
  @Column({ name: 'drawn_at', type: 'timestamptz' }) drawnAt!: Date;
}
