import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A framework agreement's first stage by quality (质量优先法, 财政部令第110号 第26、28条): the
 * ground that allows it (a government-set or -guided price, or testing and laboratory
 * instruments) and the 最高限制单价, the ceiling every response stays within (by quality the price
 * counts only so). Quality-first is a framework's `evaluation_method = 'comprehensive_scoring'`.
 */
export class FrameworkQualityFirst1764500001440 implements MigrationInterface {
  name = 'FrameworkQualityFirst1764500001440';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE procurement_projects
        ADD COLUMN quality_first_ground varchar(24)
          CHECK (quality_first_ground IN ('government_pricing','testing_instruments')),
        ADD COLUMN max_unit_price bigint CHECK (max_unit_price > 0 AND max_unit_price <= budget),
        ADD CONSTRAINT procurement_projects_quality_first_check CHECK (
          (quality_first_ground IS NULL AND max_unit_price IS NULL)
          OR (method = 'framework_agreement' AND (quality_first_ground IS NULL
              OR (evaluation_method = 'comprehensive_scoring' AND max_unit_price IS NOT NULL))))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE procurement_projects
        DROP CONSTRAINT procurement_projects_quality_first_check,
        DROP COLUMN max_unit_price,
        DROP COLUMN quality_first_ground`);
  }
}
