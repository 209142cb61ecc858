import type { Socket } from 'socket.io-client';
import { freePort } from '../libs/persistence/src/embedded-postgres.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type ChildApp, type RunningHttpApp, spawnApp, startApi } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { ask, type BidEvent, connect } from './support/sockets.js';
import {
  auditFor,
  bidOverRest,
  bidOverSocket,
  dealsFor,
  ledgerFields,
  publicLedger,
  sleepUntil,
  stopChild,
} from './support/bidding-clients.js';

/** Counts the `auction.closed` events a socket receives for one listing. */
function countClosedEvents(socket: Socket, listingId: string): () => number {
  let count = 0;
  socket.on('auction.closed', (event: { listingId: string }) => {
    if (event.listingId === listingId) count += 1;
  });
  return () => count;
}

/** A client's own record of the ledger: events in seq order, gaps filled by paging `resync`. */
class Follower {
  readonly bids: BidEvent[] = [];

  constructor(
    public socket: Socket,
    readonly listingId: string,
  ) {
    this.listen();
  }

  private listen() {
    this.socket.on('bid.accepted', (bid: BidEvent) => {
      if (bid.seq === this.lastSeq + 1) this.bids.push(bid);
      else if (bid.seq > this.lastSeq + 1) void this.resync();
    });
  }

  get lastSeq() {
    return this.bids.length ? this.bids[this.bids.length - 1].seq : 0;
  }

  async join() {
    const ack = await ask(this.socket, 'join', { listingId: this.listingId });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    await this.resync();
  }

  /** What a client does when its gateway is gone: the same listing, through another one. */
  async moveTo(socket: Socket) {
    this.socket = socket;
    this.listen();
    await this.join();
  }

  async resync() {
    for (;;) {
      const ack = await ask(this.socket, 'resync', { listingId: this.listingId, afterSeq: this.lastSeq });
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      for (const bid of ack.bids as BidEvent[]) if (bid.seq === this.lastSeq + 1) this.bids.push(bid);
      if (!ack.hasMore) return;
    }
  }
}

describe('two gateways and two workers on one Redis and one PostgreSQL', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidders: TestUser[];
  const children: ChildApp[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    bidders = await Promise.all([0, 1, 2].map(() => registerBidder(api.url)));
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    for (const child of children) await stopChild(child).catch(() => {});
    await api?.close();
    await env?.drop();
  });

  const gateway = async () => {
    const port = await freePort();
    const child = await spawnApp('gateway', { ...env.config, GATEWAY_PORT: port });
    children.push(child);
    return { child, url: `http://127.0.0.1:${port}` };
  };
  const worker = async () => {
    const child = await spawnApp('worker', env.config);
    children.push(child);
    return child;
  };
  const open = async (url: string, token?: string) => {
    const socket = await connect(url, token);
    sockets.push(socket);
    return socket;
  };

  it('every client sees every bid in order, a client whose gateway dies catches up through the other, the auction closes once', async () => {
    const [a, b, c] = bidders;
    const [g1, g2] = await Promise.all([gateway(), gateway()]);
    await Promise.all([worker(), worker()]);
    const listing = await createPublishedListing(api.url, staff, [a, b, c], {
      biddingInMs: 5000,
      freeMs: 20_000,
      extensionSeconds: 3,
    });

    // a and a watcher on the first gateway, b, c and a watcher on the second.
    const [sa, w1, sb, sc, w2] = await Promise.all([
      open(g1.url, a.token),
      open(g1.url),
      open(g2.url, b.token),
      open(g2.url, c.token),
      open(g2.url),
    ]);
    const followers = [sa, w1, sb, sc, w2].map((socket) => new Follower(socket, listing.id));
    await Promise.all(followers.map((follower) => follower.join()));
    const closedCounts = [sb, sc, w2].map((socket) => countClosedEvents(socket, listing.id));

    await sleepUntil(Date.parse(listing.body.biddingStartsAt), 100);
    let price = 800_000;
    const bidBy = async (place: () => Promise<unknown>) => {
      expect(await place()).toMatchObject({ ok: true });
      price += 10_000;
    };
    for (let round = 0; round < 3; round += 1) {
      await bidBy(() => bidOverSocket(sa, listing.id, price, `a-${round}`));
      await bidBy(() => bidOverSocket(sb, listing.id, price, `b-${round}`));
      await bidBy(() => bidOverRest(api.url, c.token, listing.id, price, `c-${round}`));
    }
    const everyone = async (list: Follower[], seqs: number) => {
      for (const [i, follower] of list.entries())
        await waitFor(
          () => follower.lastSeq >= seqs || undefined,
          15_000,
          `follower ${i} to reach seq ${seqs}`,
        );
    };
    await everyone(followers, 9);
    const ledger = (await publicLedger(api.url, listing.id)).map(ledgerFields);
    for (const follower of followers) expect(follower.bids.map(ledgerFields)).toEqual(ledger);

    // The first gateway dies without a word; bids go on through the second and the REST twin.
    await g1.child.kill();
    await bidBy(() => bidOverSocket(sb, listing.id, price, 'b-after-kill'));
    await bidBy(() => bidOverRest(api.url, a.token, listing.id, price, 'a-after-kill'));
    await bidBy(() => bidOverSocket(sc, listing.id, price, 'c-after-kill'));
    // Its clients come back through the other gateway and page through what they missed.
    const [sa2, w1b] = await Promise.all([open(g2.url, a.token), open(g2.url)]);
    await followers[0].moveTo(sa2);
    await followers[1].moveTo(w1b);
    closedCounts.push(countClosedEvents(sa2, listing.id), countClosedEvents(w1b, listing.id));
    await bidBy(() => bidOverSocket(sa2, listing.id, price, 'a-moved'));
    await everyone(followers, 13);
    const after = (await publicLedger(api.url, listing.id)).map(ledgerFields);
    expect(after.map((bid) => bid.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    for (const follower of followers) expect(follower.bids.map(ledgerFields)).toEqual(after);

    // Two workers race to close: one close, one deal, one event per client.
    await waitFor(
      () => closedCounts.every((count) => count() >= 1) || undefined,
      40_000,
      'auction.closed everywhere',
    );
    // The close is committed (its audit entry exists) before any client counts its events.
    await waitFor(
      async () =>
        (await auditFor(api.url, supervisor.token, listing.id)).some(
          (entry) => entry.action === 'auction.closed',
        ) || undefined,
      20_000,
      'the close audit entry',
    );
    expect(closedCounts.map((count) => count())).toEqual(closedCounts.map(() => 1));
    const closes = (await auditFor(api.url, supervisor.token, listing.id)).filter(
      (entry) => entry.action === 'auction.closed',
    );
    expect(closes).toHaveLength(1);
    expect(closes[0].data).toMatchObject({ status: 'sold', finalPrice: price - 10_000, lastSeq: 13 });
    expect(await dealsFor(api.url, supervisor.token, listing.id)).toEqual([
      expect.objectContaining({ amount: (price - 10_000) * 36 }),
    ]);
  });
});
