import { createDataSource } from '@ggzy/persistence';
import type { DataSource } from 'typeorm';

/** Migrations run as their own step (CLI, and `npm start` before the processes), never at app boot. */
export async function runMigrations(
  databaseUrl: string,
  log: (message: string) => void = console.log,
): Promise<void> {
  const dataSource = await createDataSource(databaseUrl, 2, 'ggzy-migrate').initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    log(
      applied.length
        ? `applied migrations: ${applied.map((m) => m.name).join(', ')}`
        : 'database schema is up to date',
    );
  } finally {
    await dataSource.destroy();
  }
}

export async function withDataSource<T>(
  databaseUrl: string,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = await createDataSource(databaseUrl, 4, 'ggzy-cli').initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
