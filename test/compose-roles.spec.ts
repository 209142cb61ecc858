import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoleName } from '../libs/persistence/src/app-role.js';

/**
 * Issue 5 §5 in docker/compose.yml (no Docker engine runs here, so the file is read): the
 * postgres image creates the owner from POSTGRES_USER; only the migrate step knows the owner's
 * URL, and it also carries the app role's URL, so the migrations create `ggzy_app` with its
 * grants and provisionAppLogin gives it the login that api, gateway and worker — which know
 * only the app role's URL — sign in with.
 */
const compose = readFileSync(join(process.cwd(), 'docker/compose.yml'), 'utf8');

/** The lines of a top-level (`x-app`) or service block, by its indentation. */
function block(name: string): string {
  const lines = compose.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^( {0,2})${name}:`).test(line));
  if (start < 0) throw new Error(`no ${name} in compose.yml`);
  const indent = /^ */.exec(lines[start])![0].length;
  const end = lines.findIndex(
    (line, i) =>
      i > start &&
      line.trim() !== '' &&
      !line.trim().startsWith('#') &&
      /^ */.exec(line)![0].length <= indent,
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The user a `postgres://user:…@…` value in `text` under `key` signs in as (undefined if none). */
function userOf(text: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}:\\s*"postgres://([^:@"]+)[:@]`, 'm').exec(text)?.[1];
}

const ROLE = appRoleName({});

it('the app role the migrations create is ggzy_app', () => {
  expect(ROLE).toBe('ggzy_app');
});

it('api, gateway and worker sign in as the app role and never see the owner', () => {
  const app = block('x-app');
  expect(userOf(app, 'DATABASE_URL')).toBe(ROLE);
  expect(app).not.toMatch(/DATABASE_OWNER_URL|POSTGRES_PASSWORD/);
  expect(app).not.toMatch(/DATABASE_APP_ROLE/); // the default name, the one the migrations used
  for (const service of ['api', 'gateway', 'worker']) {
    const text = block(service);
    expect(text).toMatch(/<<: \*app/);
    // Their environment is x-app's: no service block overrides it.
    expect(text).not.toMatch(/^\s*environment:/m);
  }
});

it('the owner is the postgres image’s user, and the migrate step alone has its URL together with the app role’s', () => {
  const owner = /^\s*POSTGRES_USER:\s*(\S+)/m.exec(block('postgres'))?.[1];
  expect(owner).toBe('ggzy');
  const migrate = block('migrate');
  expect(migrate).toMatch(/cli\.js", "migration:run"/);
  expect(userOf(migrate, 'DATABASE_OWNER_URL')).toBe(owner);
  // provisionAppLogin sets the login only when DATABASE_URL names the app role, not the owner.
  expect(userOf(migrate, 'DATABASE_URL')).toBe(ROLE);
  expect(owner).not.toBe(ROLE);
  // Both passwords come from the operator, the app role's as APP_DB_PASSWORD.
  expect(migrate).toMatch(/postgres:\/\/ggzy_app:\$\{APP_DB_PASSWORD:\?/);
  expect(migrate).toMatch(/postgres:\/\/ggzy:\$\{POSTGRES_PASSWORD:\?/);
});
