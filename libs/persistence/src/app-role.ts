import pg from 'pg';

/** Role names are written into SQL as identifiers, so only plain lowercase names pass. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The database role the running apps use (DATABASE_APP_ROLE, default `ggzy_app`). Read from
 * the environment because migrations, which create it, run outside Nest's configuration.
 */
export function appRoleName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.DATABASE_APP_ROLE || 'ggzy_app';
  if (!ROLE_NAME.test(name)) throw new Error('DATABASE_APP_ROLE: lowercase letters, digits and _');
  return name;
}

/**
 * After migrating as the owner: lets the app role sign in with the password that the apps'
 * DATABASE_URL carries, when that URL names the app role. Roles are cluster-wide, so parallel
 * callers may race on the same row; the loser retries.
 */
export async function provisionAppLogin(ownerUrl: string, appUrl: string): Promise<boolean> {
  const app = new URL(appUrl);
  const role = appRoleName();
  const owner = new URL(ownerUrl);
  if (decodeURIComponent(app.username) !== role || owner.username === app.username || !app.password)
    return false;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const password = decodeURIComponent(app.password);
    const literal = (await client.query<{ quoted: string }>('SELECT quote_literal($1) AS quoted', [password]))
      .rows[0].quoted;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await client.query(`ALTER ROLE ${role} LOGIN PASSWORD ${literal}`);
        return true;
      } catch (error) {
        // "tuple concurrently updated": another installation step set it at the same moment.
        if ((error as { code?: string }).code !== 'XX000' || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      }
    }
  } finally {
    await client.end();
  }
}

/** The same server and database as `ownerUrl`, signed in as the app role. */
export function appUrlFor(ownerUrl: string, role: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = encodeURIComponent(password);
  return url.toString();
}
