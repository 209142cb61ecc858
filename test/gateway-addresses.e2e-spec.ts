import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { io, Manager, type Socket } from 'socket.io-client';
import {
  startApi,
  startGateway,
  startTestPlatform,
  type RunningHttpApp,
  type TestPlatform,
} from './support/platform.js';
import { registerBidder, unique, waitFor } from './support/factories.js';
import { type AckResult, ask, codes, count, nextWindow } from './support/sockets.js';
import { HANDSHAKE_HEADROOM, SocketLimits } from '../apps/bidding-gateway/src/socket-limits.js';

const PER_SOCKET = 5;
const PER_ADDRESS = 8;
const CONNECTIONS = 3;
const BID_RATE = 2;
const BIDS_PER_SOCKET = 3 * BID_RATE;

type ConnectRefusal = Error & { data?: { code?: string } };

describe('the gateway limits client addresses, not its peer, and every connection and event', () => {
  let platform: TestPlatform;
  /** The same platform's second gateway, behind one trusted proxy hop. */
  let proxied: RunningHttpApp;
  let open: { close(): void }[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({
      SOCKET_EVENTS_PER_SECOND: PER_SOCKET,
      SOCKET_EVENTS_PER_ADDRESS_PER_SECOND: PER_ADDRESS,
      SOCKET_CONNECTIONS_PER_ADDRESS: CONNECTIONS,
      BID_RATE_LIMIT_PER_SECOND: BID_RATE,
      SOCKET_CONNECT_TIMEOUT_MS: 2000,
    });
    proxied = await startGateway({
      ...platform.env.config,
      TRUST_PROXY: 1,
      SOCKET_CONNECT_TIMEOUT_MS: 20_000,
    });
  });

  afterEach(async () => {
    open.forEach((client) => client.close());
    open = [];
    // Connections are released when the server sees them close.
    for (const gateway of [platform.gateway, proxied]) {
      const limits = gateway.app.get(SocketLimits);
      await waitFor(() => limits.openConnections('127.0.0.1') === 0, 10_000, 'connections to close');
    }
    await nextWindow();
  });

  afterAll(async () => {
    await proxied?.close();
    await platform?.close();
  });

  /** A /bidding socket (or another namespace), as if sent by `forwardedFor` through the proxy. */
  const connectSocket = (
    gateway: RunningHttpApp,
    forwardedFor?: string,
    namespace = '/bidding',
    token?: string,
  ) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(`${gateway.url}${namespace}`, {
        auth: token ? { token } : {},
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      });
      socket.once('connect', () => {
        open.push(socket);
        resolve(socket);
      });
      socket.once('connect_error', (error: ConnectRefusal) => {
        socket.close();
        reject(error);
      });
    });
  const refusal = (attempt: Promise<Socket>) =>
    attempt.then(
      () => 'connected',
      (error: ConnectRefusal) => error.data?.code ?? error.message,
    );
  const connectMany = (gateway: RunningHttpApp, addresses: string[]) =>
    Promise.all(addresses.map((address) => connectSocket(gateway, address)));

  /** An engine.io connection that joins no namespace at all. */
  const bareConnection = (gateway: RunningHttpApp, forwardedFor?: string) => {
    const manager = new Manager(gateway.url, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });
    open.push({ close: () => manager.engine?.close() });
    const closed = new Promise<void>((resolve) => manager.once('close', () => resolve()));
    const opened = new Promise<boolean>((resolve) => {
      manager.once('open', () => resolve(true));
      manager.once('error', () => resolve(false));
    });
    return { opened, closed };
  };

  /** Every socket sends `perSocket` events of one kind at once; the acks' codes. */
  const burst = async (sockets: Socket[], perSocket: number, event: string) =>
    codes(
      await Promise.all(
        sockets.flatMap((socket) =>
          Array.from({ length: perSocket }, (_, i) =>
            ask<AckResult>(socket, event, { listingId: randomUUID(), amount: 100, clientBidId: `b-${i}` }),
          ),
        ),
      ),
    );

  describe('TRUST_PROXY', () => {
    it('=1: two clients behind one proxy each get their own connection cap and event budget', async () => {
      const first = await connectMany(proxied, Array(CONNECTIONS).fill('203.0.113.1'));
      const second = await connectMany(proxied, Array(CONNECTIONS).fill('203.0.113.2'));
      expect(await refusal(connectSocket(proxied, '203.0.113.1'))).toBe('TOO_MANY_CONNECTIONS');

      const [firstResults, secondResults] = await Promise.all([
        burst(first, PER_SOCKET, 'no.such.event'),
        burst(second, PER_SOCKET, 'no.such.event'),
      ]);
      expect(CONNECTIONS * PER_SOCKET).toBeGreaterThan(PER_ADDRESS);
      for (const results of [firstResults, secondResults]) {
        expect(count(results, 'UNKNOWN_EVENT')).toBe(PER_ADDRESS);
        expect(count(results, 'RATE_LIMITED')).toBe(CONNECTIONS * PER_SOCKET - PER_ADDRESS);
      }
    });

    it('=0: X-Forwarded-For is ignored, so every client of one peer shares the cap and the budget', async () => {
      const sockets = await connectMany(platform.gateway, ['203.0.113.1', '203.0.113.2', '203.0.113.3']);
      expect(await refusal(connectSocket(platform.gateway, '203.0.113.4'))).toBe('TOO_MANY_CONNECTIONS');
      const results = await burst(sockets, PER_SOCKET, 'no.such.event');
      expect(count(results, 'UNKNOWN_EVENT')).toBe(PER_ADDRESS);
      expect(count(results, 'RATE_LIMITED')).toBe(CONNECTIONS * PER_SOCKET - PER_ADDRESS);
    });

    it('keys an IPv6 client by its /64 and an IPv4-mapped client by its IPv4 address', async () => {
      await connectMany(proxied, ['2001:db8:1:2::a', '2001:db8:1:2:ffff::b', '2001:db8:1:2::c']);
      expect(await refusal(connectSocket(proxied, '2001:db8:1:2::d'))).toBe('TOO_MANY_CONNECTIONS');
      expect(await refusal(connectSocket(proxied, '2001:db8:1:3::a'))).toBe('connected');

      await connectMany(proxied, Array(CONNECTIONS).fill('::ffff:198.51.100.7'));
      expect(await refusal(connectSocket(proxied, '198.51.100.7'))).toBe('TOO_MANY_CONNECTIONS');
    });

    it('the api keys sign-in limits the same way: one IPv6 /64 shares its registration budget', async () => {
      const api = await startApi({
        ...platform.env.config,
        TRUST_PROXY: 1,
        REGISTRATIONS_PER_ADDRESS_PER_HOUR: 2,
      });
      try {
        const register = (forwardedFor: string) =>
          request(api.url)
            .post('/api/auth/register')
            .set('x-forwarded-for', forwardedFor)
            .send({ username: unique('v6'), password: 'pw-long-enough-1', displayName: 'IPv6 竞买人' })
            .then((response) => response.status);
        // A fresh /64 for this run: the counters live in Redis or PostgreSQL under this file's prefix.
        const network = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
        expect(await register(`${network}::1`)).toBe(201);
        expect(await register(`${network}:aaaa::2`)).toBe(201);
        expect(await register(`${network}::3`)).toBe(429);
        expect(await register(`${network.replace(/:7$/, ':8')}::1`)).toBe(201);
      } finally {
        await api.close();
      }
    });
  });

  describe('connections are capped at the engine', () => {
    it('refuses the main namespace /', async () => {
      expect(await refusal(connectSocket(platform.gateway, undefined, '/'))).toBe('NOT_FOUND');
    });

    it('counts connections that joined no namespace, and closes them after SOCKET_CONNECT_TIMEOUT_MS', async () => {
      const bare = Array.from({ length: CONNECTIONS }, () => bareConnection(platform.gateway));
      expect(await Promise.all(bare.map((connection) => connection.opened))).toEqual(
        Array(CONNECTIONS).fill(true),
      );
      expect(await refusal(connectSocket(platform.gateway))).toBe('TOO_MANY_CONNECTIONS');
      const startedAt = Date.now();
      await Promise.all(bare.map((connection) => connection.closed));
      // Closed by the server (2 s here), not by this test, well before socket.io's default 45 s.
      expect(Date.now() - startedAt).toBeLessThan(20_000);
      const socket = await waitFor(
        () => connectSocket(platform.gateway).catch(() => undefined),
        10_000,
        'places to free up',
      );
      expect(socket.connected).toBe(true);
    });

    it('refuses handshakes past the cap and its headroom before any namespace', async () => {
      const address = '203.0.113.50';
      await connectMany(proxied, Array(CONNECTIONS).fill(address));
      const headroom = Array.from({ length: HANDSHAKE_HEADROOM }, () => bareConnection(proxied, address));
      expect(await Promise.all(headroom.map((connection) => connection.opened))).toEqual(
        Array(HANDSHAKE_HEADROOM).fill(true),
      );
      expect(await bareConnection(proxied, address).opened).toBe(false);
      expect(await bareConnection(proxied, '203.0.113.51').opened).toBe(true);
    });
  });

  describe('bids count in the socket and address limits', () => {
    it('an anonymous socket streaming bids is refused past its bid budget, which is its own', async () => {
      const [socket] = await connectMany(platform.gateway, ['']);
      const results = await burst([socket], BIDS_PER_SOCKET + 4, 'bid');
      expect(count(results, 'UNAUTHENTICATED')).toBe(BIDS_PER_SOCKET);
      expect(count(results, 'RATE_LIMITED')).toBe(4);
      // The bids did not use up the budget of the other events.
      expect(await ask(socket, 'no.such.event', {})).toMatchObject({ error: { code: 'UNKNOWN_EVENT' } });
    });

    it("signed-in sockets of one address share a bid budget; an anonymous socket's refused bids do not spend it", async () => {
      const users = await Promise.all([0, 1].map(() => registerBidder(platform.api.url)));
      // One hall behind the proxy: an intruder with no token and two bidders.
      const intruder = await connectSocket(proxied, '198.51.100.7');
      const bidders = await Promise.all(
        users.map((user) => connectSocket(proxied, '198.51.100.7', '/bidding', user.token)),
      );
      const spam = await burst([intruder], 20, 'bid');
      expect(count(spam, 'UNAUTHENTICATED')).toBe(BIDS_PER_SOCKET);
      expect(count(spam, 'RATE_LIMITED')).toBe(20 - BIDS_PER_SOCKET);
      // The same second: 10 signed-in bids against the address's 8. Only the gateway's refusals
      // say how long to wait (the bid path's own per-bidder limit answers RATE_LIMITED too).
      const acks = await Promise.all(
        bidders.flatMap((socket) =>
          Array.from({ length: 5 }, (_, i) =>
            ask<AckResult & { error?: { details?: { retryAfterMs?: number } } }>(socket, 'bid', {
              listingId: randomUUID(),
              amount: 100,
              clientBidId: `h-${i}`,
            }),
          ),
        ),
      );
      const refusedByGateway = acks.filter((ack) => ack.error?.details?.retryAfterMs !== undefined);
      expect(refusedByGateway).toHaveLength(10 - PER_ADDRESS);
      expect(refusedByGateway.every((ack) => ack.error?.code === 'RATE_LIMITED')).toBe(true);
    });
  });
});
