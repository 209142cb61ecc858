import { createHmac } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { io } from 'socket.io-client';
import type { Response } from 'supertest';

/**
 * Every application table's contents, as one digest per table (the rows as text, ordered), so
 * "nothing written" means no row added, changed or removed anywhere — not just equal counts.
 * The tables are read from the catalogue, so a table added by a later migration is covered too;
 * the migrations' own table and the socket.io adapter's transport table are not application data,
 * and the worker's signed checkpoints of the audit head are left out: the worker signs on its own
 * clock whatever head an EARLIER step left (a refused request that appended to the trail still
 * changes audit_log and audit_head, which are compared).
 * `only` narrows it to some tables, for a check made while the worker may legitimately write
 * elsewhere (opening an auction updates the listing and appends to the audit log).
 */
/** What a bid attempt, accepted or rejected, could write besides the audit log. */
export const BID_TABLES = ['bids', 'deals', 'registrations', 'users'] as const;

export type TableContents = Record<string, { rows: number; digest: string }>;

export async function tableContents(databaseUrl: string, only?: readonly string[]): Promise<TableContents> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('migrations', 'socket_io_attachments', 'audit_checkpoints')
        ORDER BY table_name`,
    );
    const contents: TableContents = {};
    for (const { name } of tables.rows) {
      if (only && !only.includes(name)) continue;
      const result = await client.query<{ rows: string; digest: string | null }>(
        `SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest
           FROM "${name}" t`,
      );
      contents[name] = { rows: Number(result.rows[0].rows), digest: result.rows[0].digest ?? '' };
    }
    return contents;
  } finally {
    await client.end();
  }
}

/** One query on the test database, for assertions the API does not expose. */
export async function queryRows<T extends pg.QueryResultRow>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The error contract of API.md: the exact status, a JSON body `{code, message, details?}`;
 * never a 5xx. Returns the body for further checks.
 */
export function expectError(response: Response, status: number, code: string) {
  // Compared together so a failure shows the whole body that came back.
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { code } });
  expect(response.type).toBe('application/json');
  expect(typeof response.body.message).toBe('string');
  return response.body as { code: string; message: string; details?: unknown };
}

/** The field names a VALIDATION_FAILED body's `details` mentions (`[{field, …}]`). */
export function detailFields(body: { details?: unknown }): string[] {
  if (!Array.isArray(body.details)) return [];
  return body.details
    .map((entry: unknown) => (entry as { field?: unknown })?.field)
    .filter((field): field is string => typeof field === 'string');
}

/**
 * JSON text with raw numbers spliced in where `"__RAW_<name>__"` placeholders stand, for values
 * (2^53 + 1 …) that JSON.stringify cannot write exactly.
 */
export function jsonWithRaw(body: Record<string, unknown>, raw: Record<string, string>): string {
  const placeholders = Object.fromEntries(Object.keys(raw).map((key) => [key, `__RAW_${key}__`]));
  let text = JSON.stringify({ ...body, ...placeholders });
  for (const [key, value] of Object.entries(raw)) text = text.replace(`"__RAW_${key}__"`, value);
  return text;
}

export function without<T extends Record<string, unknown>>(body: T, field: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...body };
  delete copy[field];
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Tokens an attacker might try.

export interface Claims {
  sub: string;
  username: string;
  roles: string[];
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Signed with a secret that is not the server's. */
export function forgedToken(claims: Claims): string {
  return jwt.sign(
    { username: claims.username, roles: claims.roles },
    'not-the-servers-secret-0123456789abcdef',
    {
      algorithm: 'HS256',
      subject: claims.sub,
      issuer: 'ggzy',
      expiresIn: 3600,
    },
  );
}

/** `alg: none`, no signature at all, built by hand. */
export function unsignedToken(claims: Claims): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ ...claims, iss: 'ggzy', iat: now, exp: now + 3600 }));
  return `${header}.${payload}.`;
}

/** The real secret and issuer, but expired ten seconds ago. */
export function expiredToken(secret: string, claims: Claims): string {
  return jwt.sign({ username: claims.username, roles: claims.roles }, secret, {
    algorithm: 'HS256',
    subject: claims.sub,
    issuer: 'ggzy',
    expiresIn: -10,
  });
}

/** The real secret, but another issuer. */
export function foreignIssuerToken(secret: string, claims: Claims): string {
  return jwt.sign({ username: claims.username, roles: claims.roles }, secret, {
    algorithm: 'HS256',
    subject: claims.sub,
    issuer: 'someone-else',
    expiresIn: 3600,
  });
}

/** The real secret, but HS512 where the server only takes HS256. */
export function otherAlgorithmToken(secret: string, claims: Claims): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ ...claims, iss: 'ggzy', iat: now, exp: now + 3600 }));
  const signature = createHmac('sha512', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

// ---------------------------------------------------------------------------------------------
// Sockets.

/** The outcome of a `/bidding` handshake with arbitrary `auth`: connected, or the connect_error. */
export function handshake(
  gatewayUrl: string,
  auth: Record<string, unknown>,
  timeoutMs = 10_000,
): Promise<{ connected: boolean; error?: { message: string; data?: { code?: string; message?: string } } }> {
  const socket = io(`${gatewayUrl}/bidding`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve({ connected: false, error: { message: 'handshake timed out' } });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.close();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
      clearTimeout(timer);
      socket.close();
      resolve({ connected: false, error: { message: error.message, data: error.data } });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Client addresses: per-address limits (sign-in) see each agent as its own client.

const agents: http.Agent[] = [];
let nextAddress = 0;

/** An HTTP agent bound to a loopback address no other call in this file has used (127.0.x.y). */
export function freshClient(): http.Agent {
  const n = nextAddress++;
  const agent = new http.Agent({ localAddress: `127.0.${1 + Math.floor(n / 250)}.${2 + (n % 250)}` });
  agents.push(agent);
  return agent;
}

export function closeClients() {
  for (const agent of agents.splice(0)) agent.destroy();
}

// ---------------------------------------------------------------------------------------------
// Child processes from the build.

export interface ProcessResult {
  /** null when it had to be killed after the timeout */
  code: number | null;
  output: string;
}

/** Runs `node <args>` to completion (or kills it after `timeoutMs`), with stdout and stderr captured. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ProcessResult> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: killed ? null : code, output });
    });
  });
}

/** process.env without the given keys, so a child sees them unset. */
export function envWithout(...keys: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of keys) delete env[key];
  return env;
}

/** A long-running `node <args>` child: its output so far, a wait for a line, and a signal to stop it. */
export interface RunningNode {
  output(): string;
  /** Resolves with the output once `pattern` appears in it; rejects if the child exits first or time runs out. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /**
   * Sends `signal` and resolves with how it ended: its exit code, or the signal that ended it;
   * `forced` when it had to be SIGKILLed after `graceMs`.
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
  exited: Promise<Exit>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  forced?: true;
}

export function startNode(args: string[], env: NodeJS.ProcessEnv): RunningNode {
  const child = spawn(process.execPath, args, { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((listener) => listener());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let done = false;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      listeners.forEach((listener) => listener());
      resolve({ code, signal });
    }),
  );
  return {
    output: () => output,
    exited,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${pattern}:\n${output}`)),
          timeoutMs,
        );
        const check = () => {
          const match = output.match(pattern);
          if (match) finish(undefined, match);
          else if (done) finish(new Error(`exited before ${pattern} appeared:\n${output}`));
        };
        const finish = (error?: Error, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        listeners.add(check);
        check();
      }),
    stop: async (signal = 'SIGTERM', graceMs = 30_000) => {
      if (!done) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      const result = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (result !== 'late') return result;
      child.kill('SIGKILL');
      return { ...(await exited), forced: true };
    },
  };
}
