/* Chains for path validation tests, broken in one named way each. Test-only. */
import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { webcrypto } from 'crypto';
import { x509 } from '../../x509';
import { sequence, tlv } from '../../der';

const DAY = 24 * 60 * 60 * 1000;
const EC = { name: 'ECDSA', namedCurve: 'P-256' };

export interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  pem: string;
}

export interface Subtrees {
  dns?: string[];
  /** CIDR, e.g. 10.0.0.0/8 (IPv4 only here). */
  ip?: string[];
}

export interface CertOptions {
  name: string;
  /** Self-signed when absent. */
  issuer?: Issued;
  /** basicConstraints cA; 'absent' leaves the extension out. */
  ca?: boolean | 'absent';
  pathLen?: number;
  /** keyUsage flags; 'absent' leaves the extension out. Default by ca. */
  keyUsage?: number | 'absent';
  eku?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  permitted?: Subtrees;
  excluded?: Subtrees;
  notBeforeDays?: number;
  notAfterDays?: number;
  /** The issuer's signing hash. */
  hash?: 'SHA-256' | 'SHA-1';
  /** Reuse a key pair (a cross-signed CA keeps its key). */
  keys?: CryptoKeyPair;
}

let serial = 0x1000;

function ipSubtree(cidr: string): Buffer {
  const [address, bits] = cidr.split('/');
  const mask = Buffer.alloc(4);
  for (let i = 0; i < Number(bits); i++) mask[i >> 3] |= 0x80 >> (i & 7);
  return tlv(0x87, Buffer.from(address.split('.').map(Number)), mask);
}

function subtrees(tag: number, trees: Subtrees | undefined): Buffer[] {
  const bases = [
    ...(trees?.dns ?? []).map(d => tlv(0x82, Buffer.from(d, 'ascii'))),
    ...(trees?.ip ?? []).map(ipSubtree),
  ];
  return bases.length ? [tlv(tag, ...bases.map(b => sequence(b)))] : [];
}

/** One certificate, with the extensions `openssl verify -x509_strict` wants. */
export async function issue(options: CertOptions): Promise<Issued> {
  const keys =
    options.keys ??
    ((await webcrypto.subtle.generateKey(EC, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair);
  const ca = options.ca ?? false;
  const extensions: x509.Extension[] = [];
  if (ca !== 'absent') {
    extensions.push(
      new x509.BasicConstraintsExtension(ca, options.pathLen, true),
    );
  }
  const usage =
    options.keyUsage ??
    (ca === true
      ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
      : x509.KeyUsageFlags.digitalSignature);
  if (usage !== 'absent') {
    extensions.push(new x509.KeyUsagesExtension(usage, true));
  }
  if (options.eku) {
    extensions.push(new x509.ExtendedKeyUsageExtension(options.eku, false));
  }
  extensions.push(
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  );
  if (options.issuer) {
    extensions.push(
      await x509.AuthorityKeyIdentifierExtension.create(
        options.issuer.keys.publicKey,
      ),
    );
  }
  const names = [
    ...(options.dnsNames ?? []).map(value => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map(value => ({
      type: 'ip' as const,
      value,
    })),
  ];
  if (names.length) {
    extensions.push(new x509.SubjectAlternativeNameExtension(names));
  }
  const constraints = [
    ...subtrees(0xa0, options.permitted),
    ...subtrees(0xa1, options.excluded),
  ];
  if (constraints.length) {
    extensions.push(
      new x509.Extension('2.5.29.30', true, sequence(...constraints)),
    );
  }
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16),
    subject: `CN=${options.name}`,
    issuer: options.issuer ? options.issuer.cert.subject : `CN=${options.name}`,
    notBefore: new Date(now + (options.notBeforeDays ?? -1) * DAY),
    notAfter: new Date(now + (options.notAfterDays ?? 365) * DAY),
    signingAlgorithm: { ...EC, hash: options.hash ?? 'SHA-256' },
    publicKey: keys.publicKey,
    signingKey: (options.issuer?.keys ?? keys).privateKey,
    extensions,
  });
  return { cert, keys, pem: cert.toString('pem') };
}

/** A server certificate for app.example.com under `issuer`. */
export function server(issuer: Issued, more: Partial<CertOptions> = {}) {
  return issue({
    name: 'app.example.com',
    dnsNames: ['app.example.com'],
    eku: ['1.3.6.1.5.5.7.3.1'],
    issuer,
    ...more,
  });
}

let opensslPresent: boolean | undefined;

/** Whether the openssl binary can be run. */
export function hasOpenssl(): boolean {
  if (opensslPresent === undefined) {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      opensslPresent = true;
    } catch {
      opensslPresent = false;
    }
  }
  return opensslPresent;
}

/**
 * `openssl verify -x509_strict -purpose sslserver` (SHA-1 refused through
 * -auth_level 1): undefined when the chain verifies, else OpenSSL's error.
 */
export function opensslVerify(options: {
  leaf: string;
  roots: string[];
  untrusted?: string[];
}): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'chain-'));
  const file = (name: string, pems: string[]) => {
    writeFileSync(join(dir, name), pems.join('\n'));
    return join(dir, name);
  };
  const args = [
    'verify',
    '-x509_strict',
    '-purpose',
    'sslserver',
    '-auth_level',
    '1',
    '-CAfile',
    file('roots.pem', options.roots),
  ];
  if (options.untrusted?.length) {
    args.push('-untrusted', file('untrusted.pem', options.untrusted));
  }
  args.push(file('leaf.pem', [options.leaf]));
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    const out = `${(e as { stdout?: Buffer }).stdout ?? ''}${
      (e as { stderr?: Buffer }).stderr ?? ''
    }`;
    return /error \d+ at \d+ depth lookup: ([^\n]+)/.exec(out)?.[1] ?? out;
  }
}
