import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Resolves a host name to its addresses (injectable for tests). */
export type HostLookup = (hostname: string) => Promise<string[]>;

export const defaultLookup: HostLookup = async hostname =>
  (await dnsLookup(hostname, { all: true })).map(a => a.address);

// Loopback, private, link-local (cloud metadata), CGNAT, unique-local,
// multicast and unspecified ranges: nothing a catalog entry may point at.
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

function isNonPublic(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isNonPublic(mapped[1]);
  const family = isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function matches(hostname: string, pattern: string): boolean {
  const host = hostname.toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith('*.'))
    return host.endsWith(p.slice(1)) || host === p.slice(2);
  return host === p;
}

/**
 * The rules the Kubernetes plugin applies to API server URLs read from the
 * catalog: the backend presents its credentials to that URL, so an entity
 * must not aim them at plain HTTP, a private address or a metadata
 * endpoint unless app-config allows that host. Returns the reason to refuse.
 */
export async function refuseApiServerUrl(
  value: string,
  options: { allowedHosts?: string[]; lookup?: HostLookup },
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'the API server URL is not a valid URL';
  }
  if (url.username || url.password) {
    return 'the API server URL must not contain credentials';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'the API server URL must use https';
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if ((options.allowedHosts ?? []).some(p => matches(hostname, p))) {
    return undefined;
  }
  if (url.protocol !== 'https:') return 'the API server URL must use https';
  let addresses: string[];
  try {
    addresses = isIP(hostname)
      ? [hostname]
      : await (options.lookup ?? defaultLookup)(hostname);
  } catch {
    return `the API server host ${hostname} does not resolve`;
  }
  if (addresses.length === 0 || addresses.some(isNonPublic)) {
    return `the API server host ${hostname} is not a public address`;
  }
  return undefined;
}
