/*
 * Which addresses the scanner may connect to. Endpoints come from catalog
 * metadata and cluster objects, which anyone who can edit them controls:
 * without a check the scanner would probe whatever they name (server-side
 * request forgery). The check is made on the address the name resolved to,
 * and the scanner connects to that same address, so a name cannot resolve
 * to a public address for the check and a private one for the connection.
 */
import { normalizeHost } from './hostnames';

export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'invalid';

function ipv4Class(ip: string): AddressClass {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some(p => !(p >= 0 && p <= 255))) {
    return 'invalid';
  }
  const [a, b] = parts;
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224) return 'multicast';
  if (
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  ) {
    return 'private';
  }
  return 'public';
}

/** The class of an IP address (IPv4, IPv6, IPv4-mapped IPv6). */
export function classifyAddress(address: string): AddressClass {
  const ip = normalizeHost(address);
  if (!ip.includes(':')) return ipv4Class(ip);
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return ipv4Class(mapped[1]);
  if (ip === '::') return 'unspecified';
  if (ip === '::1') return 'loopback';
  if (/^fe[89ab][0-9a-f]?:/.test(ip)) return 'link-local';
  if (/^f[cd][0-9a-f]{0,2}:/.test(ip)) return 'private';
  if (/^ff[0-9a-f]{0,2}:/.test(ip)) return 'multicast';
  return /^[0-9a-f:]+$/.test(ip) ? 'public' : 'invalid';
}

export interface AddressRules {
  /** RFC 1918, CGNAT and IPv6 unique-local addresses (cluster services). */
  allowPrivateNetworks: boolean;
  /** 127.0.0.0/8 and ::1: only for tests, benchmarks and a local demo. */
  allowLoopback: boolean;
}

/** Whether the scanner may connect to `address`; the reason when not. */
export function addressAllowed(
  address: string,
  rules: AddressRules,
): { allowed: boolean; reason?: string } {
  const kind = classifyAddress(address);
  switch (kind) {
    case 'public':
      return { allowed: true };
    case 'private':
      return rules.allowPrivateNetworks
        ? { allowed: true }
        : {
            allowed: false,
            reason: `${address} is a private address and certificates.endpoints.allowPrivateNetworks is false`,
          };
    case 'loopback':
      return rules.allowLoopback
        ? { allowed: true }
        : { allowed: false, reason: `${address} is a loopback address` };
    default:
      // Link-local holds cloud metadata services: never scanned.
      return { allowed: false, reason: `${address} is a ${kind} address` };
  }
}
