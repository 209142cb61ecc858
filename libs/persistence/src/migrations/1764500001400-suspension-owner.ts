import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who holds a project's suspension (issue 10, complaints leftovers): the complaint that ordered it,
 * or — null — the line's own act (a supervisor's order on the line's endpoint, a tender's objection).
 * Only the holder lifts it: a complaint's close resumes the project only while it still holds the
 * suspension, and the line's own resume endpoint leaves a complaint's suspension to that complaint.
 * A lease keeps it on the listing (its status lives on its auction); the others beside their status,
 * where a CHECK ties it to the suspension it names.
 */
export class SuspensionOwner1764500001400 implements MigrationInterface {
  name = 'SuspensionOwner1764500001400';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['tender_projects', 'procurement_projects', 'transfer_projects', 'lease_listings'])
      await db.query(
        `ALTER TABLE ${table} ADD COLUMN suspension_complaint_id uuid REFERENCES complaints(id)`,
      );
    // A tender's complaint holds it through the supervisor's flag (an objection may hold it too).
    await db.query(`
      ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_suspension_complaint_check
        CHECK (suspension_complaint_id IS NULL OR supervisor_suspension)`);
    for (const table of ['procurement_projects', 'transfer_projects'])
      await db.query(`
        ALTER TABLE ${table} ADD CONSTRAINT ${table}_suspension_complaint_check
          CHECK (suspension_complaint_id IS NULL OR status = 'suspended')`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['tender_projects', 'procurement_projects', 'transfer_projects', 'lease_listings'])
      await db.query(`ALTER TABLE ${table} DROP COLUMN suspension_complaint_id`);
  }
}
