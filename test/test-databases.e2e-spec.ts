import { createDataSource } from '../libs/persistence/src/data-source.js';
import { createEmptyDatabase, createTestEnvironment } from './support/environment.js';
import { queryRows } from './support/checks.js';

/** Every privilege PostgreSQL keeps for the database and inside it, and who owns what. */
async function privileges(ownerUrl: string) {
  const rows = (sql: string) => queryRows(ownerUrl, sql);
  return {
    database: await rows(
      `SELECT coalesce(r.rolname, 'PUBLIC') AS grantee, a.privilege_type, a.is_grantable
         FROM pg_database d CROSS JOIN aclexplode(d.datacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
        WHERE d.datname = current_database() ORDER BY 1, 2`,
    ),
    settings: await rows(
      `SELECT s.setrole::regrole::text AS role, s.setconfig FROM pg_db_role_setting s
         JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database() ORDER BY 1`,
    ),
    schemas: await rows(
      `SELECT nspname, nspowner::regrole::text AS owner, nspacl::text AS acl FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1`,
    ),
    relations: await rows(
      `SELECT c.relname, c.relkind, c.relowner::regrole::text AS owner, c.relacl::text AS acl
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' ORDER BY 1`,
    ),
    functions: await rows(
      `SELECT p.proname, p.prosecdef, p.proowner::regrole::text AS owner, p.proacl::text AS acl
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' ORDER BY 1`,
    ),
    defaults: await rows(
      `SELECT defaclrole::regrole::text AS role, defaclobjtype, defaclacl::text AS acl
         FROM pg_default_acl ORDER BY 1, 2`,
    ),
  };
}

/**
 * The e2e tests' databases are copies of one migrated template per run (support/environment.ts),
 * which carries the schema but not the database's own ACL: a copy must give the app role exactly
 * what migrating the database itself gives it.
 */
describe("test databases copied from the run's migrated template", () => {
  it('give the app role what migrating gives it, on the database and inside it', async () => {
    const copied = await createTestEnvironment();
    const migrated = await createEmptyDatabase();
    try {
      const dataSource = await createDataSource(migrated.url, 1, 'ggzy-test-migrate').initialize();
      await dataSource.runMigrations({ transaction: 'all' });
      await dataSource.destroy();

      const expected = await privileges(migrated.url);
      // Not a comparison of two empty lists: the app role may connect and create schemas (the
      // queues of single-machine mode) and write business tables.
      const role = process.env.GGZY_TEST_APP_ROLE!;
      expect(expected.database).toEqual(
        expect.arrayContaining([
          { grantee: role, privilege_type: 'CONNECT', is_grantable: false },
          { grantee: role, privilege_type: 'CREATE', is_grantable: false },
        ]),
      );
      expect(expected.relations.find((row) => row.relname === 'users')?.acl).toContain(`${role}=arwd/`);
      expect(await privileges(copied.config.DATABASE_OWNER_URL!)).toEqual(expected);

      // And they hold: signed in as the app role, the copy lets it do what single-machine mode does.
      await queryRows(copied.config.DATABASE_URL, 'CREATE SCHEMA app_role_probe');
      await queryRows(copied.config.DATABASE_URL, 'DROP SCHEMA app_role_probe');
    } finally {
      await copied.drop();
      await migrated.drop();
    }
  });
});
