import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `text` as a named prepared statement: on the connection of `manager`'s transaction when
 * it has one (so it sees and takes part in that transaction), else on TypeORM's pool. Planning
 * the engine's statements costs several times their execution, and node-pg keeps each plan per
 * connection after its first use; TypeORM's own `query` sends them unnamed, planned every time.
 */
export async function preparedQuery(
  dataSource: DataSource,
  manager: EntityManager | null | undefined,
  name: string,
  text: string,
  values: unknown[],
): Promise<Record<string, any>[]> {
  const runner = manager?.queryRunner;
  if (runner) {
    if (runner.isReleased) throw new Error(`${name}: the transaction's connection is released`);
    const client = (runner as unknown as { databaseConnection?: pg.PoolClient }).databaseConnection;
    if (client) return (await client.query({ name, text, values })).rows;
    // Not connected yet (no statement ran): TypeORM's own path connects it.
    return (await manager.query(text, values)) as Record<string, any>[];
  }
  const pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
  return (await pool.query({ name, text, values })).rows;
}
