/**
 * Names for the object identifiers the plugins meet in certificates and
 * CSRs, so that a person reads "subjectAltName (2.5.29.17)" rather than a
 * bare dotted number. Names follow OpenSSL / RFC 5280 spelling, which is
 * what the inventory already reports for signature algorithms.
 */

/** Certificate and CSR signature algorithms (AlgorithmIdentifier). */
export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.3': 'md4WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsaWithSHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  // Pre-PKCS#1 OIW identifiers, still met in old roots and appliances.
  '1.3.14.3.2.3': 'md5WithRSA',
  '1.3.14.3.2.13': 'dsaWithSHA',
  '1.3.14.3.2.15': 'shaWithRSAEncryption',
  '1.3.14.3.2.27': 'dsaWithSHA1-old',
  '1.3.14.3.2.29': 'sha1WithRSA',
  '2.16.840.1.101.3.4.3.1': 'dsa-with-SHA224',
  '2.16.840.1.101.3.4.3.3': 'dsa-with-SHA384',
  '2.16.840.1.101.3.4.3.4': 'dsa-with-SHA512',
  '2.16.840.1.101.3.4.3.10': 'ecdsa-with-SHA3-256',
  '2.16.840.1.101.3.4.3.14': 'id-rsassa-pkcs1-v1_5-with-sha3-256',
  '1.2.156.10197.1.501': 'SM2-with-SM3',
  '1.2.643.7.1.1.3.2': 'GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)',
  '1.2.643.7.1.1.3.3': 'GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)',
  '1.2.643.2.2.3': 'GOST R 34.11-94 with GOST R 34.10-2001',
};

/**
 * Signature algorithms built on a broken hash (MD2, MD4, MD5, SHA-0,
 * SHA-1): a collision lets someone forge a certificate the CA never signed.
 * RSASSA-PSS is judged by its hash parameter (see the backend's reader).
 */
export const WEAK_SIGNATURE_ALGORITHM_OIDS: readonly string[] = [
  '1.2.840.113549.1.1.2',
  '1.2.840.113549.1.1.3',
  '1.2.840.113549.1.1.4',
  '1.2.840.113549.1.1.5',
  '1.2.840.10045.4.1',
  '1.2.840.10040.4.3',
  '1.3.14.3.2.3',
  '1.3.14.3.2.13',
  '1.3.14.3.2.15',
  '1.3.14.3.2.27',
  '1.3.14.3.2.29',
];

/** Hash algorithms, as RSASSA-PSS parameters name them. */
export const HASH_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.2': 'MD2',
  '1.2.840.113549.2.5': 'MD5',
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
};

/** Public key algorithms (SubjectPublicKeyInfo). */
export const KEY_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  '1.2.840.10040.4.1': 'dsaEncryption',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10046.2.1': 'dhpublicnumber',
  '1.2.643.2.2.19': 'GOST R 34.10-2001',
  '1.2.643.7.1.1.1.1': 'GOST R 34.10-2012 (256 bit)',
  '1.2.643.7.1.1.1.2': 'GOST R 34.10-2012 (512 bit)',
};

/** Named elliptic curves, by OpenSSL's names (as node's KeyObject reports them). */
export const CURVE_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.7': 'prime256v1',
  '1.3.132.0.34': 'secp384r1',
  '1.3.132.0.35': 'secp521r1',
  '1.3.132.0.10': 'secp256k1',
  '1.2.840.10045.3.1.1': 'prime192v1',
  '1.3.132.0.33': 'secp224r1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.2.156.10197.1.301': 'SM2',
};

/** Extended key usages (RFC 5280 4.2.1.12 and common vendor ones). */
export const EXTENDED_KEY_USAGE_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.5': 'ipsecEndSystem',
  '1.3.6.1.5.5.7.3.6': 'ipsecTunnel',
  '1.3.6.1.5.5.7.3.7': 'ipsecUser',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.4.1.311.10.3.3': 'msSGC',
  '2.16.840.1.113730.4.1': 'nsSGC',
};

/** Certificate extensions. */
export const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.15': 'keyUsage',
  '2.5.29.17': 'subjectAltName',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.20': 'cRLNumber',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.35': 'authorityKeyIdentifier',
  '2.5.29.36': 'policyConstraints',
  '2.5.29.37': 'extKeyUsage',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
};

/** Name attributes and PKCS#9 attributes met in subjects and CSRs. */
export const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'commonName',
  '2.5.4.6': 'countryName',
  '2.5.4.7': 'localityName',
  '2.5.4.8': 'stateOrProvinceName',
  '2.5.4.10': 'organizationName',
  '2.5.4.11': 'organizationalUnitName',
  '1.2.840.113549.1.9.14': 'extensionRequest',
};

/**
 * The tables in the order a lookup tries them. rsassaPss, Ed25519 and Ed448
 * are both a key and a signature algorithm under one OID, with one name.
 */
const TABLES = [
  EXTENSION_NAMES,
  SIGNATURE_ALGORITHM_NAMES,
  HASH_ALGORITHM_NAMES,
  KEY_ALGORITHM_NAMES,
  CURVE_NAMES,
  EXTENDED_KEY_USAGE_NAMES,
  ATTRIBUTE_NAMES,
];

function has(table: Readonly<Record<string, string>>, oid: string): boolean {
  // Own keys only: an OID text such as "constructor" must not name anything.
  return Object.prototype.hasOwnProperty.call(table, oid);
}

/** The name of a known OID, undefined otherwise. */
export function oidName(oid: string): string | undefined {
  for (const table of TABLES) {
    if (has(table, oid)) return table[oid];
  }
  return undefined;
}

/**
 * An OID for a message: "subjectAltName (2.5.29.17)" when known, the dotted
 * form alone otherwise. The number stays so that it can be looked up.
 */
export function describeOid(oid: string): string {
  const name = oidName(oid);
  return name ? `${name} (${oid})` : oid;
}
