import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A framework agreement's second stage (第二阶段, 财政部令第110号): how each call-off order finds
 * its supplier — 直接选定 (the rule; NULL on agreements planned before this column) or 顺序轮候
 * (the admitted in turn). 二次竞价 is not built.
 */
export class FrameworkCallOffMethod1764500001441 implements MigrationInterface {
  name = 'FrameworkCallOffMethod1764500001441';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE procurement_projects
        ADD COLUMN call_off_method varchar(24)
          CHECK (call_off_method IN ('direct_selection','rotation')),
        ADD CONSTRAINT procurement_projects_call_off_framework_check CHECK (
          call_off_method IS NULL OR method = 'framework_agreement')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE procurement_projects
        DROP CONSTRAINT procurement_projects_call_off_framework_check,
        DROP COLUMN call_off_method`);
  }
}
