import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

/**
 * Trusts exactly `hops` reverse proxies nearest to us, never `true`: only that many entries of
 * X-Forwarded-For are believed, so a client cannot pick its own address. Express's
 * `trust proxy` and the gateway's handshake both use this one rule.
 */
export function trustedProxyHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * The key every per-address limit uses for a client: the address proxy-addr finds with
 * TRUST_PROXY hops (X-Forwarded-For ignored at 0), normalised by `addressKey`.
 * Works on express requests and on socket.io's handshake request alike.
 */
export function clientAddress(request: IncomingMessage, trustProxyHops: number): string {
  if (!request.socket?.remoteAddress) return 'unknown';
  return addressKey(proxyaddr(request, trustedProxyHops(trustProxyHops)));
}

/**
 * One client, one key: an IPv4-mapped IPv6 address is its IPv4 address, and an IPv6 address
 * is its /64 network (one subscriber usually holds a whole /64, so a /128 key would give it
 * endless budgets). Anything that is not an IP address is kept as it is.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return address;
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(':')}::/64`;
}
