import { createServer } from 'node:net';
import request from 'supertest';
import { io } from 'socket.io-client';
import { type ChildApp, spawnApp } from './support/platform.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';

/**
 * Issue 5 §4, the default: with CORS_ORIGINS unset, the gateway admits browsers on the API's
 * own origin (the web app is served by the API) and refuses any other with ORIGIN_NOT_ALLOWED.
 * A real gateway process from the build, its environment without CORS_ORIGINS, so the default
 * is the one config.ts derives from API_PORT at start-up (the in-process test platform fixes
 * its config before the ports are known, so it cannot show this).
 */
let env: TestEnvironment;
let gateway: ChildApp;
let apiPort: number;
let gatewayUrl: string;

/** A port free right now (the kernel's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Opens a socket sending `origin`; resolves with the connect_error's data, or 'connected'. */
function connectFrom(origin: string | undefined) {
  const socket = io(`${gatewayUrl}/bidding`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: origin ? { origin } : {},
  });
  return new Promise<unknown>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data ?? error.message));
  }).finally(() => socket.close());
}

beforeAll(async () => {
  env = await createTestEnvironment();
  apiPort = await freePort();
  const gatewayPort = await freePort();
  const config = { ...env.config, API_PORT: apiPort, GATEWAY_PORT: gatewayPort };
  gateway = await spawnApp('gateway', config, { CORS_ORIGINS: undefined });
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
});

afterAll(async () => {
  await gateway?.stop();
  await env?.drop();
});

it('with CORS_ORIGINS unset, sockets from the API’s own origin are admitted and a foreign origin is refused', async () => {
  const own = [`http://localhost:${apiPort}`, `http://127.0.0.1:${apiPort}`];
  for (const origin of own) expect(await connectFrom(origin)).toBe('connected');
  // Not a browser (no Origin header): admitted, as with a list.
  expect(await connectFrom(undefined)).toBe('connected');
  for (const origin of [
    'https://evil.example',
    `http://localhost:${apiPort + 1}`,
    `https://localhost:${apiPort}`,
  ])
    expect(await connectFrom(origin)).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
  // The long-polling handshake answers CORS for the API's origin only.
  const polling = (origin: string) =>
    request(gatewayUrl).get('/socket.io/?EIO=4&transport=polling').set('Origin', origin);
  expect((await polling(own[0])).headers['access-control-allow-origin']).toBe(own[0]);
  expect((await polling('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
});
