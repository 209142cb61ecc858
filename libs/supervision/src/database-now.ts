import type { EntityManager } from 'typeorm';

/** The database's clock: the one every instance shares, and the one that decides. */
export async function databaseNow(manager: EntityManager): Promise<Date> {
  const [{ now }] = (await manager.query('SELECT clock_timestamp() AS now')) as { now: Date }[];
  return now;
}
