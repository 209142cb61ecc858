import { createDataSource, provisionAppLogin } from '@ggzy/persistence';
import type { DataSource } from 'typeorm';

/**
 * Migrations run as their own step (CLI, and `npm start` before the processes), never at app
 * boot, as the tables' owner; then the app role gets its login from the apps' DATABASE_URL.
 */
export async function runMigrations(
  databaseUrls: { owner: string; app: string },
  log: (message: string) => void = console.log,
): Promise<void> {
  const dataSource = await createDataSource(databaseUrls.owner, 2, 'ggzy-migrate').initialize();
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
  if (await provisionAppLogin(databaseUrls.owner, databaseUrls.app)) {
    log('the apps sign in as the app role: the audit trail is append-only for them');
  } else if (new URL(databaseUrls.owner).username === new URL(databaseUrls.app).username) {
    log(
      'warning: the apps use the owner role, so they could rewrite the audit trail; ' +
        'set DATABASE_OWNER_URL for migrations and DATABASE_URL to the app role (README, Security)',
    );
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
