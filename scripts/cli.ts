import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadEnvConfig } from '@ggzy/common';
import { DomainError, rolesAreCompatible } from '@ggzy/domain';
import { createDataSource, ROLES, type Role, UsersRepository } from '@ggzy/persistence';
import { PasswordHasher } from '@ggzy/auth';
import { resolveInfrastructure } from '@ggzy/queues';
import { runMigrations, withDataSource } from './operations.js';

const USAGE = `npm run cli -- <command>
  migration:run                        apply pending migrations
  migration:revert                     undo the last migration
  user:create --username U --password P --role staff|supervisor|admin|bidder [--display-name N]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const env = loadEnvConfig();
  const { config, stopEmbedded } = await resolveInfrastructure(env, (message) => console.error(message));
  try {
    switch (command) {
      case 'migration:run':
        await runMigrations({ owner: config.DATABASE_OWNER_URL, app: config.DATABASE_URL });
        return 0;
      case 'migration:revert': {
        const dataSource = await createDataSource(config.DATABASE_OWNER_URL, 2, 'ggzy-cli').initialize();
        await dataSource.undoLastMigration({ transaction: 'all' });
        await dataSource.destroy();
        console.log('reverted the last migration');
        return 0;
      }
      case 'user:create': {
        const { values } = parseArgs({
          args: rest,
          options: {
            username: { type: 'string' },
            password: { type: 'string' },
            role: { type: 'string', multiple: true },
            'display-name': { type: 'string' },
          },
        });
        const roles = (values.role ?? []) as Role[];
        if (
          !values.username ||
          !values.password ||
          roles.length === 0 ||
          roles.some((role) => !ROLES.includes(role))
        ) {
          console.error(USAGE);
          return 2;
        }
        if (!rolesAreCompatible(roles)) {
          console.error('an account is either a bidder or staff/supervisor/admin, never both');
          return 2;
        }
        if (values.password.length < 8) {
          console.error('the password must have at least 8 characters');
          return 2;
        }
        const passwordHash = await new PasswordHasher().hash(values.password);
        const user = await withDataSource(config.DATABASE_URL, (dataSource) =>
          new UsersRepository(dataSource).create({
            username: values.username!,
            passwordHash,
            displayName: values['display-name'] ?? values.username!,
            roles,
          }),
        );
        console.log(JSON.stringify({ id: user.id, username: user.username, roles: user.roles }));
        return 0;
      }
      default:
        console.error(USAGE);
        return command ? 2 : 0;
    }
  } finally {
    await stopEmbedded();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof DomainError) console.error(error.message);
    else console.error(error);
    process.exit(1);
  },
);
