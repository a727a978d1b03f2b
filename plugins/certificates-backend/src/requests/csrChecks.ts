import {
  describeOid,
  KeyAlgorithmChoice,
  normalizeDnsNames,
  Violation,
} from '@kubecerts/backstage-plugin-certificates-common';
import { createHash, createPublicKey, KeyObject, verify } from 'node:crypto';
import {
  pemBlocks,
  PublicKeyFacts,
  publicKeyFacts,
  basicConstraintsCa,
  ParsedCsr,
  parseCsrDer,
  subjectAltNames,
} from '../pki';

export const MAX_CSR_BYTES = 8 * 1024;
const FIELD = 'delivery.csr';

/** Signature algorithms accepted on a CSR (no MD5, no SHA-1): their key type and hash. */
const ALLOWED_SIGNATURE_OIDS: Record<string, { key: 'rsa' | 'ec'; hash: string }> = {
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256' }, // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512' },
  '1.2.840.10045.4.3.2': { key: 'ec', hash: 'sha256' }, // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': { key: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', hash: 'sha512' },
};

const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_NAME_CONSTRAINTS = '2.5.29.30';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';

/** The key a CSR certifies, as a request's key algorithm, or why it is not acceptable. */
function keyAlgorithmOf(key: PublicKeyFacts): KeyAlgorithmChoice | { problem: string } {
  if (key.type === 'rsa') {
    const bits = key.modulusLength ?? 0;
    if (![2048, 3072, 4096].includes(bits)) {
      return { problem: `RSA keys must be 2048, 3072 or 4096 bits, got ${bits}` };
    }
    if (key.publicExponent !== 65537n) {
      return { problem: 'RSA keys must use the public exponent 65537' };
    }
    return `RSA-${bits}` as KeyAlgorithmChoice;
  }
  if (key.type === 'ec') {
    if (key.namedCurve === 'prime256v1') return 'ECDSA-P256';
    if (key.namedCurve === 'secp384r1') return 'ECDSA-P384';
    return { problem: `EC keys must be on P-256 or P-384, got ${key.namedCurve}` };
  }
  return { problem: `${key.type} keys are not accepted; use RSA or ECDSA` };
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every(v => right.has(v));
}

export interface CsrCheckResult {
  violations: Violation[];
  /** SHA-256 of the DER, hex, when the CSR parsed. */
  fingerprint?: string;
}

/**
 * Everything the backend checks on a submitted PKCS#10 CSR: one PEM block,
 * no private key, size, signature (parsing does not verify it), key and
 * signature algorithms, no CA or name-constraint requests, and names equal
 * to the requested ones.
 */
export async function checkCsr(
  csrPem: string,
  expected: {
    commonName?: string;
    dnsNames: string[];
    ipAddresses?: string[];
    uris?: string[];
    keyAlgorithm: KeyAlgorithmChoice;
  },
): Promise<CsrCheckResult> {
  const fail = (reason: string): CsrCheckResult => ({
    violations: [{ field: FIELD, reason }],
  });
  if (Buffer.byteLength(csrPem, 'utf8') > MAX_CSR_BYTES) {
    return fail(`the CSR is larger than ${MAX_CSR_BYTES} bytes`);
  }
  if (/PRIVATE KEY/.test(csrPem)) {
    return fail('the CSR text contains a private key: send only the CERTIFICATE REQUEST block, and treat that key as compromised');
  }
  const blocks = pemBlocks(csrPem);
  if (blocks.length !== 1) {
    return fail(`expected exactly one PEM block, found ${blocks.length}`);
  }
  const outside = csrPem.replace(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/, '');
  if (outside.trim() !== '') {
    return fail('the CSR has text outside its PEM block');
  }
  if (blocks[0].label !== 'CERTIFICATE REQUEST' && blocks[0].label !== 'NEW CERTIFICATE REQUEST') {
    return fail(`expected a CERTIFICATE REQUEST block, found ${blocks[0].label}`);
  }
  const der = blocks[0].der;
  let csr: ParsedCsr;
  let publicKey: KeyObject;
  let sans: ReturnType<typeof subjectAltNames>;
  let isCa: boolean | undefined;
  try {
    csr = parseCsrDer(der);
    publicKey = createPublicKey({ key: csr.spki, format: 'der', type: 'spki' });
    const san = csr.extensions.get(OID_SUBJECT_ALT_NAME);
    sans = san ? subjectAltNames(san) : [];
    const basic = csr.extensions.get(OID_BASIC_CONSTRAINTS);
    isCa = basic ? basicConstraintsCa(basic) : undefined;
  } catch {
    return fail('not a valid PKCS#10 certificate request');
  }
  const signatureOid = csr.signatureOid;
  const fingerprint = createHash('sha256').update(der).digest('hex');
  const violations: Violation[] = [];
  const add = (reason: string) => violations.push({ field: FIELD, reason });

  const signatureAlgorithm = ALLOWED_SIGNATURE_OIDS[signatureOid];
  if (!signatureAlgorithm) {
    add(`signature algorithm ${describeOid(signatureOid)} is not accepted (use SHA-256 or stronger with RSA or ECDSA)`);
    return { violations, fingerprint };
  }
  // Read from the DER (the KeyObject's details cost more than the check).
  const key = keyAlgorithmOf(publicKeyFacts(csr.spki));
  if (typeof key !== 'string') {
    add(key.problem);
    return { violations, fingerprint };
  }
  // The signature covers the CertificationRequestInfo bytes exactly as sent.
  let verified = false;
  if (publicKey.asymmetricKeyType === signatureAlgorithm.key) {
    try {
      verified = verify(signatureAlgorithm.hash, csr.info, publicKey, csr.signature);
    } catch {
      verified = false;
    }
  }
  if (!verified) {
    add('the CSR signature does not verify');
    return { violations, fingerprint };
  }
  if (key !== expected.keyAlgorithm) {
    add(`the CSR's key is ${key} but the request says ${expected.keyAlgorithm}`);
  }

  if (isCa !== undefined) {
    add(
      isCa
        ? 'the CSR asks for a CA certificate (basicConstraints CA:TRUE)'
        : 'the CSR must not carry basicConstraints',
    );
  }
  if (csr.repeatedExtensions.length) {
    add(`the CSR requests the extension ${[...new Set(csr.repeatedExtensions)].map(describeOid).join(', ')} more than once`);
  }
  if (csr.extensions.has(OID_NAME_CONSTRAINTS)) {
    add('the CSR must not request name constraints');
  }

  const commonNames = csr.commonNames;
  const byType = (type: string) => sans.filter(n => n.type === type).map(n => n.value);
  if (commonNames.length > 1) {
    add('the CSR has more than one common name');
  } else if ((commonNames[0] ?? '').toLowerCase() !== (expected.commonName ?? '').toLowerCase()) {
    add(
      `the CSR's common name "${commonNames[0] ?? ''}" differs from the requested "${expected.commonName ?? ''}"`,
    );
  }
  if (!sameSet(normalizeDnsNames(byType('dns')), normalizeDnsNames(expected.dnsNames))) {
    add(
      `the CSR's DNS names (${byType('dns').join(', ') || 'none'}) differ from the requested ones (${expected.dnsNames.join(', ')})`,
    );
  }
  if (!sameSet(byType('ip'), expected.ipAddresses ?? [])) {
    add('the CSR\'s IP addresses differ from the requested ones');
  }
  if (!sameSet(byType('url'), expected.uris ?? [])) {
    add('the CSR\'s URIs differ from the requested ones');
  }
  const others = sans.filter(n => !['dns', 'ip', 'url'].includes(n.type));
  if (others.length) {
    add(`the CSR requests SAN types that are not supported: ${[...new Set(others.map(o => o.type))].join(', ')}`);
  }
  return { violations, fingerprint };
}
