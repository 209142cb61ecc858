import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type Role = 'bidder' | 'staff' | 'supervisor' | 'admin';
export const ROLES: readonly Role[] = ['bidder', 'staff', 'supervisor', 'admin'];

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 64, unique: true }) username!: string;
  @Column({ name: 'password_hash', type: 'text' }) passwordHash!: string;
  @Column({ name: 'display_name', type: 'varchar', length: 200 }) displayName!: string;
  @Column({ name: 'org_code', type: 'varchar', length: 64, nullable: true }) orgCode!: string | null;
  @Column({ type: 'text', array: true }) roles!: Role[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
