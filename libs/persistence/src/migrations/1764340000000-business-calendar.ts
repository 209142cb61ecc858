import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OFFICIAL_CALENDARS } from '@ggzy/domain';

/**
 * The business-day calendar: one row a year with its holidays and make-up working days,
 * seeded with the official years the platform ships (2018, 2025, 2026). Staff edit and add years.
 */
export class BusinessCalendar1764340000000 implements MigrationInterface {
  name = 'BusinessCalendar1764340000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE business_calendar_years (
        year       smallint PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
        holidays   date[] NOT NULL,
        workdays   date[] NOT NULL,
        source     varchar(200) NOT NULL,
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const year of OFFICIAL_CALENDARS) {
      await db.query(
        `INSERT INTO business_calendar_years (year, holidays, workdays, source) VALUES ($1, $2::date[], $3::date[], $4)`,
        [year.year, year.holidays, year.workdays, 'official (State Council holiday notice)'],
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE business_calendar_years`);
  }
}
