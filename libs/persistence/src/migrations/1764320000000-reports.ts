import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports are jobs whose state lives here, so a flushed Redis or a killed worker loses
 * nothing and the list is a query. One active row per identical request lets two identical
 * requests share a build; scheduled periods are built once.
 */
export class Reports1764320000000 implements MigrationInterface {
  name = 'Reports1764320000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE reports (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind         varchar(16) NOT NULL CHECK (kind IN ('on_demand','monthly','half_year','year')),
        period_from  date NOT NULL,
        period_to    date NOT NULL,
        group_by     varchar(8) NOT NULL CHECK (group_by IN ('month','quarter','year')),
        status       varchar(16) NOT NULL CHECK (status IN ('queued','running','done','failed')),
        progress     smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        result       jsonb,
        error        text,
        requested_by uuid REFERENCES users(id),
        created_at   timestamptz NOT NULL DEFAULT now(),
        started_at   timestamptz,
        finished_at  timestamptz,
        CHECK (period_from <= period_to),
        CHECK ((status = 'done') = (result IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX reports_one_active_build ON reports (kind, period_from, period_to, group_by)
      WHERE status IN ('queued','running')`);
    await db.query(`CREATE UNIQUE INDEX reports_scheduled_once ON reports (kind, period_from, period_to)
      WHERE kind <> 'on_demand'`);
    await db.query(`CREATE INDEX reports_created_at_idx ON reports (created_at DESC)`);
    // Reports group by category within a time range: the range scan reads the category too.
    await db.query(
      `CREATE INDEX deals_closed_at_category_idx ON deals (closed_at, category, subtype) INCLUDE (amount)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX deals_closed_at_category_idx`);
    await db.query(`DROP TABLE reports`);
  }
}
