/*
 * Whether a served certificate covers the host a client asked for, by the
 * rules of RFC 6125 as browsers apply them (CA/Browser Forum): names are
 * compared case-insensitively without a trailing dot; a wildcard is only a
 * whole left-most label (`*.example.com`), stands for exactly one label and
 * never for a public suffix-like two-label name (`*.com`); an IP address is
 * matched only by an IP address SAN. The common name is not consulted:
 * clients stopped reading it, so a certificate without SANs covers nothing.
 */

/** Lower case, without a trailing dot, without IPv6 brackets. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `host` is an IPv4 or IPv6 literal (not a DNS name). */
export function isIpLiteral(host: string): boolean {
  const h = normalizeHost(host);
  return IPV4.test(h) || (h.includes(':') && /^[0-9a-f:.]+$/.test(h));
}

/** A canonical text of an IPv6 address, so that `::1` equals `0:0:…:1`. */
function expandIpv6(ip: string): string | undefined {
  let text = ip;
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    if (!IPV4.test(v4[1])) return undefined;
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${(
      (c << 8) |
      d
    ).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [
    ...head,
    ...Array(halves.length === 2 ? missing : 0).fill('0'),
    ...tail,
  ];
  if (groups.some(g => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map(g => parseInt(g, 16).toString(16)).join(':');
}

/** Both texts name the same IP address. */
export function sameIpAddress(a: string, b: string): boolean {
  const x = normalizeHost(a);
  const y = normalizeHost(b);
  if (IPV4.test(x) || IPV4.test(y)) return x === y;
  const ex = expandIpv6(x);
  return ex !== undefined && ex === expandIpv6(y);
}

/** Whether the DNS SAN `pattern` (possibly a wildcard) covers `host`. */
export function dnsNameCovers(pattern: string, host: string): boolean {
  const p = normalizeHost(pattern);
  const h = normalizeHost(host);
  if (!p || !h) return false;
  if (!p.includes('*')) return p === h;
  const labels = p.split('.');
  // Only `*` as the whole left-most label, and at least two labels after it.
  if (labels[0] !== '*' || labels.slice(1).some(l => l.includes('*'))) {
    return false;
  }
  if (labels.length < 3) return false;
  const hostLabels = h.split('.');
  if (hostLabels.length !== labels.length || hostLabels[0] === '') {
    return false;
  }
  return hostLabels.slice(1).join('.') === labels.slice(1).join('.');
}

/** Whether a certificate with these SANs covers `host`. */
export function certificateCoversHost(
  cert: { dnsNames: string[]; ipAddresses?: string[] },
  host: string,
): boolean {
  if (isIpLiteral(host)) {
    return (cert.ipAddresses ?? []).some(ip => sameIpAddress(ip, host));
  }
  return cert.dnsNames.some(name => dnsNameCovers(name, host));
}
