import { isWeakSignatureAlgorithm } from '../certificates/keyStrength';
import { EXTENDED_KEY_USAGE_NAMES } from '../oids/oidNames';

/** dNSName and iPAddress subtrees of a nameConstraints extension. */
export interface NameSubtrees {
  dns: string[];
  /** Address then mask, as hex (8 bytes for IPv4, 32 for IPv6). */
  ip: string[];
}

/**
 * What the path rules read of one certificate. Extension fields are
 * undefined when the extension is absent, which is not the same as empty.
 */
export interface PathCertificate {
  /** The subject CN, else the subject, for messages. */
  name: string;
  notBefore: string;
  notAfter: string;
  /** basicConstraints cA; undefined without basicConstraints. */
  ca?: boolean;
  pathLen?: number;
  /** keyUsage bit names, e.g. keyCertSign. */
  keyUsage?: string[];
  /** extKeyUsage OIDs. */
  extKeyUsage?: string[];
  permitted?: NameSubtrees;
  excluded?: NameSubtrees;
  signatureAlgorithm: string;
  /** Subject and issuer are the same name. */
  selfIssued: boolean;
  dnsNames: string[];
  /** SAN addresses as hex bytes. */
  ipAddresses: string[];
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

function ekuNames(oids: string[]): string {
  return oids.length === 0
    ? 'none'
    : oids.map(o => EXTENDED_KEY_USAGE_NAMES[o] ?? o).join(', ');
}

function ipText(hex: string): string {
  const bytes = hex.match(/../g)?.map(b => parseInt(b, 16)) ?? [];
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  }
  return groups.join(':');
}

function subtreeText(hex: string): string {
  const half = hex.length / 2;
  const mask = hex.slice(half).match(/../g) ?? [];
  const bits = mask.reduce(
    (n, b) => n + parseInt(b, 16).toString(2).replace(/0/g, '').length,
    0,
  );
  return `${ipText(hex.slice(0, half))}/${bits}`;
}

/** RFC 5280 4.2.1.10: "example.com" covers itself and its subdomains, ".example.com" only subdomains. */
function dnsWithin(name: string, constraint: string): boolean {
  const n = name.toLowerCase();
  const c = constraint.toLowerCase();
  if (c === '') return true;
  if (c.startsWith('.')) return n.endsWith(c);
  return n === c || n.endsWith(`.${c}`);
}

function ipWithin(address: string, subtree: string): boolean {
  if (subtree.length !== address.length * 2) return false;
  for (let i = 0; i < address.length; i += 2) {
    const mask = parseInt(
      subtree.slice(address.length + i, address.length + i + 2),
      16,
    );
    const want = parseInt(subtree.slice(i, i + 2), 16) & mask;
    if ((parseInt(address.slice(i, i + 2), 16) & mask) !== want) return false;
  }
  return true;
}

function nameConstraintFailure(
  subject: PathCertificate,
  ca: PathCertificate,
): string | undefined {
  const checks: Array<
    [
      string[],
      keyof NameSubtrees,
      (v: string) => string,
      (v: string, c: string) => boolean,
      (c: string) => string,
    ]
  > = [
    [subject.dnsNames, 'dns', v => v, dnsWithin, c => c],
    [subject.ipAddresses, 'ip', ipText, ipWithin, subtreeText],
  ];
  for (const [names, type, show, within, showConstraint] of checks) {
    const permitted = ca.permitted?.[type] ?? [];
    const excluded = ca.excluded?.[type] ?? [];
    for (const name of names) {
      const banned = excluded.find(c => within(name, c));
      if (banned !== undefined) {
        return `'${subject.name}' names ${show(name)}, which '${
          ca.name
        }' excludes (nameConstraints excluded ${showConstraint(banned)})`;
      }
      if (permitted.length > 0 && !permitted.some(c => within(name, c))) {
        return `'${subject.name}' names ${show(name)}, outside what '${
          ca.name
        }' may sign (nameConstraints permitted ${permitted
          .map(showConstraint)
          .join(', ')})`;
      }
    }
  }
  return undefined;
}

function issuerFailure(
  path: PathCertificate[],
  index: number,
): string | undefined {
  const issuer = path[index];
  if (issuer.ca !== true) {
    const why =
      issuer.ca === false
        ? 'basicConstraints CA:FALSE'
        : 'no basicConstraints extension';
    return `signed by '${issuer.name}' which is not a CA (${why})`;
  }
  if (issuer.keyUsage && !issuer.keyUsage.includes('keyCertSign')) {
    return `signed by '${issuer.name}' whose keyUsage (${
      issuer.keyUsage.join(', ') || 'none'
    }) lacks keyCertSign`;
  }
  if (issuer.pathLen !== undefined) {
    // Intermediates below this issuer, not counting the leaf or self-issued ones.
    const below = path.slice(1, index).filter(c => !c.selfIssued).length;
    if (below > issuer.pathLen) {
      return `'${issuer.name}' allows ${issuer.pathLen} CA certificate(s) below it (pathLenConstraint ${issuer.pathLen}) but the path has ${below}`;
    }
  }
  const anchor = index === path.length - 1;
  if (
    !anchor &&
    issuer.extKeyUsage &&
    !issuer.extKeyUsage.includes(SERVER_AUTH)
  ) {
    return `'${issuer.name}' limits the certificates below it to ${ekuNames(
      issuer.extKeyUsage,
    )} (extKeyUsage without serverAuth)`;
  }
  for (let j = 0; j < index; j++) {
    const failure = nameConstraintFailure(path[j], issuer);
    if (failure) return failure;
  }
  return undefined;
}

/**
 * The first rule a path breaks, dates aside (see validityFailure), or
 * undefined when it keeps them all. `path` runs from the server
 * certificate to the approved root whose signature was verified; the
 * root's own self-signature is not judged (it is trusted by being approved).
 */
export function pathRuleFailure(path: PathCertificate[]): string | undefined {
  const leaf = path[0];
  if (!leaf) return 'the chain is empty';
  if (leaf.extKeyUsage && !leaf.extKeyUsage.includes(SERVER_AUTH)) {
    return `'${leaf.name}' is not for TLS servers (extKeyUsage ${ekuNames(
      leaf.extKeyUsage,
    )} without serverAuth)`;
  }
  for (let i = 0; i < path.length; i++) {
    const anchor = i === path.length - 1 && path.length > 1;
    if (!anchor && isWeakSignatureAlgorithm(path[i].signatureAlgorithm)) {
      return `'${path[i].name}' is signed with ${path[i].signatureAlgorithm}, a broken hash`;
    }
    if (i > 0) {
      const failure = issuerFailure(path, i);
      if (failure) return failure;
    }
  }
  return undefined;
}

/** The dates of one certificate on a path, for judging it at a later `now`. */
export interface PathValidity {
  name: string;
  notBefore: string;
  notAfter: string;
}

/**
 * What is known of a chain's trust independently of time: the paths to an
 * approved root that keep every rule but the dates (leaf first), and
 * otherwise the first rule broken. Stored with the row, so the verdict
 * moves with `now` without parsing the chain again.
 */
export interface ChainTrust {
  paths: PathValidity[][];
  failure?: string;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** Which certificate of the path is outside its validity period at `now`. */
export function validityFailure(
  path: PathValidity[],
  now: Date | string,
): string | undefined {
  const at = typeof now === 'string' ? Date.parse(now) : now.getTime();
  for (const cert of path) {
    if (Date.parse(cert.notAfter) <= at) {
      return `'${cert.name}' expired on ${day(cert.notAfter)}`;
    }
    if (Date.parse(cert.notBefore) > at) {
      return `'${cert.name}' is not valid before ${day(cert.notBefore)}`;
    }
  }
  return undefined;
}

/** Whether the chain is trusted at `now`, and why not. */
export function chainTrustAt(
  trust: ChainTrust,
  now: Date | string,
): { trusted: boolean; reason?: string } {
  if (trust.paths.some(p => validityFailure(p, now) === undefined)) {
    return { trusted: true };
  }
  if (trust.paths.length > 0) {
    return { trusted: false, reason: validityFailure(trust.paths[0], now) };
  }
  return {
    trusted: false,
    reason: trust.failure ?? 'no path to an approved root',
  };
}
