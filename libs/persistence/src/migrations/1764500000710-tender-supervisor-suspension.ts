import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A supervisor's suspension of a tender (issue 10's complaints): the tender's one `suspended`
 * status is shared with objections, and this flag says a supervisor's order holds it — an
 * objection's reply then does not resume the tender, only the supervisor's resume does.
 */
export class TenderSupervisorSuspension1764500000710 implements MigrationInterface {
  name = 'TenderSupervisorSuspension1764500000710';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE tender_projects ADD COLUMN supervisor_suspension boolean NOT NULL DEFAULT false`,
    );
    await db.query(`
      ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_supervisor_suspension_check
        CHECK (NOT supervisor_suspension OR status = 'suspended')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tender_projects DROP COLUMN supervisor_suspension`);
  }
}
