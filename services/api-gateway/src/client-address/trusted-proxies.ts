import { BlockList, isIP } from 'node:net';
import { ConfigError, type Parser } from '@fleetman/service-kit';

/**
 * The proxies whose X-Forwarded-For the gateway believes: addresses and CIDR ranges, IPv4 or
 * IPv6. Anyone can send an X-Forwarded-For header, so counting hops (trust the last N entries)
 * is only safe when every request really passes those N proxies; a gateway also reachable
 * directly would take a client's invented address. Trusting by the peer's address is not
 * fooled that way: a header counts only when the connection comes from a listed proxy.
 */
export class TrustedProxies {
  private readonly list = new BlockList();

  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(bits), family);
    }
  }

  static readonly none = new TrustedProxies([]);

  trusts(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** `TRUSTED_PROXIES=10.0.0.0/8,192.168.1.7,fd00::/8` (commas or spaces); unset = none. */
export function trustedProxiesParser(): Parser<TrustedProxies> {
  return (raw, name) => {
    if (raw === undefined) return TrustedProxies.none;
    const entries = raw.split(/[\s,]+/).filter(Boolean);
    for (const entry of entries) {
      if (!isAddressOrRange(entry))
        throw new ConfigError(
          name,
          `must be IP addresses or CIDR ranges separated by commas, got ${JSON.stringify(entry)}`,
        );
    }
    return new TrustedProxies(entries);
  };
}

function isAddressOrRange(entry: string): boolean {
  const parts = entry.split('/');
  if (parts.length > 2) return false;
  const family = isIP(parts[0] ?? '');
  if (family === 0) return false;
  if (parts.length === 1) return true;
  const bits = parts[1] ?? '';
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
