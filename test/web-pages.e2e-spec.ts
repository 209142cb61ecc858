import request from 'supertest';
import { freePort } from '../libs/persistence/src/embedded-postgres.js';
import { createOperator, createPublishedListing, registerBidder } from './support/factories.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';

describe('the api serves the web pages', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ GATEWAY_PORT: await freePort() });
  });
  afterAll(() => platform?.close());

  it('serves the app at / and on page paths, with its built assets', async () => {
    const home = await request(platform.api.url).get('/').set('accept', 'text/html').expect(200);
    expect(home.headers['content-type']).toMatch(/text\/html/);
    expect(home.text).toContain('<div id="root"></div>');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(home.text)?.[1];
    expect(script).toBeDefined();
    // No inline script: a Content-Security-Policy of script-src 'self' lets the page run.
    expect(home.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const policy = home.headers['content-security-policy'];
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    // The page's socket goes to the gateway's port on the host the browser asked for.
    const port = platform.env.config.GATEWAY_PORT;
    expect(policy).toContain(`connect-src 'self' http://127.0.0.1:${port} ws://127.0.0.1:${port}`);
    const asset = await request(platform.api.url).get(script!).expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    const deep = await request(platform.api.url)
      .get('/listings/2b0c8f52-6a39-4a8f-9d7e-1f0b3c4d5e6f')
      .set('accept', 'text/html')
      .expect(200);
    expect(deep.text).toBe(home.text);
  });

  it('never shadows the API, its docs or health', async () => {
    const missing = await request(platform.api.url)
      .get('/api/no-such-thing')
      .set('accept', 'text/html')
      .expect(404);
    expect(missing.text).not.toContain('<div id="root">');
    await request(platform.api.url).get('/api/health').set('accept', 'text/html').expect(200);
    const docs = await request(platform.api.url)
      .get('/docs')
      .set('accept', 'text/html')
      .redirects(1)
      .expect(200);
    expect(docs.text).not.toContain('<div id="root">');
    await request(platform.api.url).get('/assets/missing.js').expect(404);
  });

  it('tells the page where the gateway is and the centre time zone, nothing secret', async () => {
    const response = await request(platform.api.url).get('/config.json').expect(200);
    expect(response.body).toEqual({
      gatewayUrl: null,
      gatewayPort: platform.env.config.GATEWAY_PORT,
      timeZone: 'Asia/Shanghai',
    });
  });

  it('lists a bidder its own applications with codes and deposit states, and nobody else', async () => {
    const staff = await createOperator(platform.env.config, platform.api.url, 'staff');
    const [mine, other] = [await registerBidder(platform.api.url), await registerBidder(platform.api.url)];
    const listing = await createPublishedListing(platform.api.url, staff, [mine], { biddingInMs: 60_000 });
    const response = await request(platform.api.url)
      .get('/api/me/lease-registrations')
      .auth(mine.token, { type: 'bearer' })
      .expect(200);
    expect(response.body.total).toBe(1);
    expect(response.body.items[0]).toMatchObject({
      listingId: listing.id,
      status: 'qualified',
      bidderCode: listing.codes.get(mine.id),
    });
    expect(response.body.items[0].depositReceivedAt).toEqual(expect.any(String));
    const empty = await request(platform.api.url)
      .get('/api/me/lease-registrations')
      .auth(other.token, { type: 'bearer' })
      .expect(200);
    expect(empty.body).toEqual({ items: [], total: 0 });
    await request(platform.api.url).get('/api/me/lease-registrations').expect(401);
    await request(platform.api.url)
      .get('/api/me/lease-registrations')
      .auth(staff.token, { type: 'bearer' })
      .expect(403);
  });
});
