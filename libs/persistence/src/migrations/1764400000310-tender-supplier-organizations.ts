import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One organisation registers once per tender: two accounts under one 统一社会信用代码 would let a
 * company bid twice, or pose as a rival whose staff the expert draw then excludes instead of its own.
 */
export class TenderSupplierOrganizations1764400000310 implements MigrationInterface {
  name = 'TenderSupplierOrganizations1764400000310';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE UNIQUE INDEX registrations_host_organization_key ON registrations (host_type, host_id, organization_code)
       WHERE organization_code IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX registrations_host_organization_key`);
  }
}
