import { isIP } from 'node:net';
import type { Middleware } from 'koa';
import type { TrustedProxies } from './trusted-proxies.js';

/**
 * The client's address: the connection's peer, unless the peer is a trusted proxy; then the
 * X-Forwarded-For chain is read from the right (the entry the nearest proxy added) and the first
 * entry that is not itself a trusted proxy is the client. An entry that is not an address ends
 * the walk at the hop that added it: what lies left of a broken entry cannot be vouched for.
 */
export function resolveClientAddress(
  peer: string,
  forwardedFor: string,
  trusted: TrustedProxies,
): string {
  let client = normalise(peer);
  if (!trusted.trusts(client) || forwardedFor === '') return client;
  const hops = forwardedFor.split(',');
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = normalise(stripPort(hops[index]!.trim()));
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.trusts(hop)) return hop;
  }
  return client;
}

/**
 * Koa middleware: sets `ctx.ip` (which rate limiting and the request log use) from the peer
 * and the trusted proxies. Koa's own `app.proxy` mode is off: it would believe any peer.
 */
export function clientAddress(trusted: TrustedProxies): Middleware {
  return async function setClientAddress(ctx, next) {
    ctx.request.ip = resolveClientAddress(
      ctx.req.socket.remoteAddress ?? '',
      ctx.get('x-forwarded-for'),
      trusted,
    );
    await next();
  };
}

/** IPv4 peers of a dual-stack socket look like ::ffff:203.0.113.9. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Some proxies write "203.0.113.9:51234" or "[2001:db8::1]:443". */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}
