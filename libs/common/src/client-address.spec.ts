import type { IncomingMessage } from 'node:http';
import { addressKey, clientAddress } from './client-address.js';

const request = (peer: string | undefined, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('client addresses', () => {
  it.each([
    // [case, address, key]
    ['IPv4 stays as it is', '203.0.113.7', '203.0.113.7'],
    ['IPv4-mapped IPv6 is its IPv4 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['IPv6 is keyed by its /64', '2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['another address in the same /64 has the same key', '2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['the next /64 is another key', '2001:db8:1:3::1', '2001:db8:1:3::/64'],
    [
      'the uncompressed form has the same key',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2::/64',
    ],
    ['a zone index is dropped', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['loopback IPv6', '::1', '0:0:0:0::/64'],
    ['anything else is kept', 'unknown', 'unknown'],
  ])('%s', (_case, address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it.each([
    // [case, peer, X-Forwarded-For, TRUST_PROXY hops, client]
    ['no proxy trusted: the peer, the header ignored', '10.0.0.1', '203.0.113.5', 0, '10.0.0.1'],
    ['one hop: the entry the proxy appended', '10.0.0.1', '203.0.113.5, 198.51.100.1', 1, '198.51.100.1'],
    ['two hops: one entry further', '10.0.0.1', '203.0.113.5, 198.51.100.1', 2, '203.0.113.5'],
    ['more hops than entries: the leftmost', '10.0.0.1', '203.0.113.5', 5, '203.0.113.5'],
    ['a trusted hop without the header: the peer', '10.0.0.1', undefined, 1, '10.0.0.1'],
    ['a forwarded IPv6 address is keyed by its /64', '10.0.0.1', '2001:db8:1:2::99', 1, '2001:db8:1:2::/64'],
    ['an IPv4-mapped peer is its IPv4 address', '::ffff:10.0.0.1', '203.0.113.5', 0, '10.0.0.1'],
    ['a closed socket has no address', undefined, '203.0.113.5', 1, 'unknown'],
  ])('%s', (_case, peer, forwardedFor, hops, client) => {
    expect(clientAddress(request(peer, forwardedFor), hops)).toBe(client);
  });
});
