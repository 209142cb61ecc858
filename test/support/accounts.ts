import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { createTestEnvironment, type TestEnvironment } from './environment.js';
import { type RunningHttpApp, startApi, startGateway } from './platform.js';
import { createOperator, type TestUser, unique } from './factories.js';
import { closeClients, freshClient } from './checks.js';

/**
 * The platform the account and registration-workflow files share (test/accounts-*.e2e-spec.ts,
 * test/listing-*.e2e-spec.ts). The API here delays sign-in after 3 wrong passwords per address,
 * so every sign-in that is not about the limit comes from its own loopback address.
 *
 * A file calls `useAccountsPlatform()` inside its outer `describe`; that registers the hooks:
 * before all, a fresh database, the api (and the gateway if asked) and a staff member; after
 * all, everything closed. The fixtures below are exported bindings, filled in by that
 * `beforeAll` (ES modules see the assignment), so tests read `api.url`, `staff` … as they are
 * when a test runs.
 */

export const HOUR = 3_600_000;
export const password = () => `pw-${randomBytes(6).toString('hex')}`;

export let env: TestEnvironment;
export let api: RunningHttpApp;
/** Only with `useAccountsPlatform({ gateway: true })`. */
export let gateway: RunningHttpApp;
export let staff: TestUser;
/** Sockets a file opens; closed after all its tests. */
export const sockets: Socket[] = [];

export function useAccountsPlatform(options: { gateway?: boolean } = {}) {
  beforeAll(async () => {
    env = await createTestEnvironment({
      SIGN_IN_FREE_FAILURES: 3,
      SIGN_IN_FREE_FAILURES_PER_ADDRESS: 3,
      SIGN_IN_FIRST_DELAY_SECONDS: 120,
    });
    api = await startApi(env.config);
    if (options.gateway) gateway = await startGateway(env.config);
    staff = await createOperator(env.config, api.url, 'staff', freshClient());
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await gateway?.close();
    await api?.close();
    closeClients();
    await env?.drop();
  });
}

export const post = (path: string, user?: TestUser) => {
  const req = request(api.url).post(path);
  return user ? req.auth(user.token, { type: 'bearer' }) : req;
};
export const get = (path: string, user?: TestUser) => {
  const req = request(api.url).get(path);
  return user ? req.auth(user.token, { type: 'bearer' }) : req;
};
export const login = (username: string, secret: string, client = freshClient()) =>
  request(api.url).post('/api/auth/login').agent(client).send({ username, password: secret });
/** A bidder account that has not signed in yet (so no sign-in attempt is counted against it). */
export const registerOnly = async () => {
  const account = { username: unique('bidder'), password: password() };
  await post('/api/auth/register')
    .send({ ...account, displayName: `竞买人 ${account.username}` })
    .expect(201);
  return account;
};
