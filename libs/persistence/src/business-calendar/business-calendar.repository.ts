import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CalendarYear } from '@ggzy/domain';

export interface StoredCalendarYear extends CalendarYear {
  source: string;
  updatedBy: string | null;
  updatedAt: Date;
}

/* Dates leave the database as text ('YYYY-MM-DD'): parsed into JS Dates they would shift by zone. */
const SELECT_YEARS = `SELECT year, holidays::text[] AS holidays, workdays::text[] AS workdays, source,
    updated_by AS "updatedBy", updated_at AS "updatedAt" FROM business_calendar_years`;

function toStored(row: StoredCalendarYear): StoredCalendarYear {
  return { ...row, holidays: [...row.holidays].sort(), workdays: [...row.workdays].sort() };
}

@Injectable()
export class BusinessCalendarRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inside a transaction, pass its manager (a second connection from the pool can deadlock it). */
  async all(manager?: EntityManager): Promise<StoredCalendarYear[]> {
    const rows = (await (manager ?? this.dataSource).query(
      `${SELECT_YEARS} ORDER BY year`,
    )) as StoredCalendarYear[];
    return rows.map(toStored);
  }

  async find(year: number): Promise<StoredCalendarYear | null> {
    const [row] = (await this.dataSource.query(`${SELECT_YEARS} WHERE year = $1`, [
      year,
    ])) as StoredCalendarYear[];
    return row ? toStored(row) : null;
  }

  /**
   * Serialises edits of one year, including the first (a row lock needs a row): an advisory
   * lock on the year, held to the end of the transaction, then the year as it stands.
   */
  async lock(manager: EntityManager, year: number): Promise<StoredCalendarYear | null> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('business_calendar_years'), $1)`, [year]);
    const [row] = (await manager.query(`${SELECT_YEARS} WHERE year = $1`, [year])) as StoredCalendarYear[];
    return row ? toStored(row) : null;
  }

  async save(manager: EntityManager, year: CalendarYear, source: string, updatedBy: string): Promise<void> {
    await manager.query(
      `INSERT INTO business_calendar_years (year, holidays, workdays, source, updated_by, updated_at)
       VALUES ($1, $2::date[], $3::date[], $4, $5, now())
       ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
         source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [year.year, year.holidays, year.workdays, source, updatedBy],
    );
  }
}
