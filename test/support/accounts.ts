import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import request from 'supertest';
import type { AppConfig } from '../../libs/common/src/config.js';
import { createDataSource } from '../../libs/persistence/src/data-source.js';
import { UsersRepository } from '../../libs/persistence/src/users.repository.js';
import type { Role } from '../../libs/persistence/src/entities/user.entity.js';
import { PasswordHasher } from '../../libs/auth/src/password-hasher.js';
import { freshClient } from './checks.js';
import { type TestUser, unique } from './factories.js';

/**
 * Like factories.ts, but every sign-in comes from its own loopback address (see freshClient),
 * for files that run the API with a tight per-address sign-in limit.
 */
export async function loginFrom(
  apiUrl: string,
  username: string,
  password: string,
  client: http.Agent = freshClient(),
): Promise<string> {
  const response = await request(apiUrl)
    .post('/api/auth/login')
    .agent(client)
    .send({ username, password })
    .expect(200);
  return response.body.accessToken as string;
}

export async function createOperatorAccount(
  config: AppConfig,
  apiUrl: string,
  role: Exclude<Role, 'bidder'>,
): Promise<TestUser> {
  const username = unique(role);
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const dataSource = await createDataSource(config.DATABASE_URL, 1, 'ggzy-test-factory').initialize();
  try {
    const user = await new UsersRepository(dataSource).create({
      username,
      passwordHash: await new PasswordHasher().hash(password),
      displayName: `${role} ${username}`,
      roles: [role],
    });
    return { id: user.id, username, password, token: await loginFrom(apiUrl, username, password) };
  } finally {
    await dataSource.destroy();
  }
}

export async function registerBidderAccount(apiUrl: string): Promise<TestUser> {
  const username = unique('bidder');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const response = await request(apiUrl)
    .post('/api/auth/register')
    .send({ username, password, displayName: `竞买人 ${username}` })
    .expect(201);
  return { id: response.body.id, username, password, token: await loginFrom(apiUrl, username, password) };
}
