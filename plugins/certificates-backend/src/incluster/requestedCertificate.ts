import 'reflect-metadata';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Pkcs10CertificateRequest,
  SubjectAlternativeNameExtension,
} from '@peculiar/x509';
import {
  EXTENSION_NAMES,
  KeyAlgorithm,
  RequestedCertificate,
  RequestedExtension,
} from '@kubecerts/backstage-plugin-certificates-common';
import { webcrypto } from 'node:crypto';
import { publicKeyFacts } from '../pki';

/** The spec fields of a cert-manager CertificateRequest that shape the certificate. */
export interface CertificateRequestSpec {
  request?: string;
  duration?: string;
  isCA?: boolean;
  usages?: string[];
}

/** A CSR this large is no ordinary request; it is not read. */
const MAX_REQUEST_CHARS = 64 * 1024;

/** cert-manager's names for the key usage bits. */
const KEY_USAGES: Array<[KeyUsageFlags, string]> = [
  [KeyUsageFlags.digitalSignature, 'digital signature'],
  [KeyUsageFlags.nonRepudiation, 'content commitment'],
  [KeyUsageFlags.keyEncipherment, 'key encipherment'],
  [KeyUsageFlags.dataEncipherment, 'data encipherment'],
  [KeyUsageFlags.keyAgreement, 'key agreement'],
  [KeyUsageFlags.keyCertSign, 'cert sign'],
  [KeyUsageFlags.cRLSign, 'crl sign'],
  [KeyUsageFlags.encipherOnly, 'encipher only'],
  [KeyUsageFlags.decipherOnly, 'decipher only'],
];
const KEY_USAGE_NAMES = new Set([...KEY_USAGES.map(([, name]) => name), 'signing']);

/** cert-manager's names for extended key usages, by OID. */
const EXTENDED_KEY_USAGES: Record<string, string> = {
  '2.5.29.37.0': 'any',
  '1.3.6.1.5.5.7.3.1': 'server auth',
  '1.3.6.1.5.5.7.3.2': 'client auth',
  '1.3.6.1.5.5.7.3.3': 'code signing',
  '1.3.6.1.5.5.7.3.4': 'email protection',
  '1.3.6.1.5.5.7.3.5': 'ipsec end system',
  '1.3.6.1.5.5.7.3.6': 'ipsec tunnel',
  '1.3.6.1.5.5.7.3.7': 'ipsec user',
  '1.3.6.1.5.5.7.3.8': 'timestamping',
  '1.3.6.1.5.5.7.3.9': 'ocsp signing',
  '1.3.6.1.4.1.311.10.3.3': 'microsoft sgc',
  '2.16.840.1.113730.4.1': 'netscape sgc',
};

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** Why a CSR was not read, in words for the approver. */
class CsrError extends Error {}

/**
 * Everything a cert-manager CertificateRequest asks to be certified: its
 * spec (isCA, usages, duration) and its CSR (subject, every SAN type, the
 * key, every requested extension). Both are untrusted and shown as they
 * are; where they overlap the union is kept, so nothing the issuer might
 * honour is hidden. A CSR that cannot be read or whose signature does not
 * verify is reported in `csrError`, never silently skipped.
 */
export async function readRequestedCertificate(spec: CertificateRequestSpec): Promise<RequestedCertificate> {
  const specUsages = (spec.usages ?? []).filter((u): u is string => typeof u === 'string');
  // cert-manager's defaults when the spec names no key usage, and cert sign for a CA.
  const specKeyUsages = specUsages.filter(u => KEY_USAGE_NAMES.has(u));
  const keyUsages = new Set(specKeyUsages.length ? specKeyUsages : ['digital signature', 'key encipherment']);
  if (spec.isCA === true) keyUsages.add('cert sign');
  const extendedKeyUsages = new Set(specUsages.filter(u => !KEY_USAGE_NAMES.has(u)));
  const result: RequestedCertificate = {
    dnsNames: [],
    ipAddresses: [],
    uris: [],
    emails: [],
    isCA: spec.isCA === true,
    keyUsages: [],
    extendedKeyUsages: [],
    csrExtensions: [],
    ...(spec.duration ? { duration: spec.duration, durationHours: durationHours(spec.duration) } : {}),
  };
  try {
    const csr = await parseCsr(spec.request);
    result.subject = csr.subject;
    result.commonName = csr.subjectName.getField('CN')[0];
    result.key = keyOf(Buffer.from(csr.publicKey.rawData));
    for (const extension of csr.extensions) {
      result.csrExtensions.push(describe(extension));
      if (extension instanceof SubjectAlternativeNameExtension) {
        for (const name of extension.names.items) {
          if (name.type === 'dns') result.dnsNames.push(name.value);
          else if (name.type === 'ip') result.ipAddresses.push(name.value);
          else if (name.type === 'url') result.uris.push(name.value);
          else if (name.type === 'email') result.emails.push(name.value);
        }
      } else if (extension instanceof BasicConstraintsExtension) {
        if (extension.ca) result.isCA = true;
      } else if (extension instanceof KeyUsagesExtension) {
        for (const [flag, name] of KEY_USAGES) if (extension.usages & flag) keyUsages.add(name);
      } else if (extension instanceof ExtendedKeyUsageExtension) {
        for (const usage of extension.usages) extendedKeyUsages.add(EXTENDED_KEY_USAGES[`${usage}`] ?? `${usage}`);
      }
    }
  } catch (error) {
    result.csrError = error instanceof CsrError ? error.message : 'not a valid PKCS#10 certificate request';
  }
  result.keyUsages = [...keyUsages];
  result.extendedKeyUsages = [...extendedKeyUsages];
  return result;
}

async function parseCsr(request: string | undefined): Promise<Pkcs10CertificateRequest> {
  if (!request) throw new CsrError('spec.request is empty');
  if (request.length > MAX_REQUEST_CHARS) throw new CsrError(`spec.request is longer than ${MAX_REQUEST_CHARS} characters`);
  const decoded = Buffer.from(request, 'base64');
  const text = decoded.toString('utf8');
  const csr = new Pkcs10CertificateRequest(text.includes('-----BEGIN') ? text : decoded);
  let verified = false;
  try {
    verified = await csr.verify(webcrypto as Crypto);
  } catch {
    verified = false;
  }
  if (!verified) throw new CsrError('the CSR signature does not verify');
  return csr;
}

function keyOf(spki: Buffer): RequestedCertificate['key'] {
  const facts = publicKeyFacts(spki);
  if (facts.type === 'rsa') return { algorithm: 'RSA', size: facts.modulusLength };
  if (facts.type === 'ec') return { algorithm: 'EC', curve: CURVES[facts.namedCurve ?? ''] ?? facts.namedCurve };
  if (facts.type === 'dsa') return { algorithm: 'DSA', size: facts.modulusLength };
  const named: Record<string, KeyAlgorithm> = { ed25519: 'Ed25519', ed448: 'Ed448' };
  return { algorithm: named[facts.type] ?? 'unknown' };
}

function describe(extension: Extension): RequestedExtension {
  const oid = extension.type;
  let value: string;
  if (extension instanceof BasicConstraintsExtension) {
    value = extension.ca
      ? `CA:TRUE${extension.pathLength !== undefined ? `, path length ${extension.pathLength}` : ''}`
      : 'CA:FALSE';
  } else if (extension instanceof KeyUsagesExtension) {
    value = KEY_USAGES.filter(([flag]) => extension.usages & flag).map(([, name]) => name).join(', ');
  } else if (extension instanceof ExtendedKeyUsageExtension) {
    value = extension.usages.map(u => EXTENDED_KEY_USAGES[`${u}`] ?? `${u}`).join(', ');
  } else if (extension instanceof SubjectAlternativeNameExtension) {
    value = extension.names.items.map(n => `${n.type}:${n.value}`).join(', ');
  } else {
    const hex = Buffer.from(extension.value).toString('hex');
    value = hex.length > 128 ? `${hex.slice(0, 128)}… (${hex.length / 2} bytes)` : hex;
  }
  return { oid, name: EXTENSION_NAMES[oid] ?? oid, critical: extension.critical, value };
}

/** Hours in a Go duration (cert-manager's format), e.g. 2160h, 1h30m, 90m; undefined when unreadable. */
export function durationHours(duration: string): number | undefined {
  const units: Record<string, number> = { h: 1, m: 1 / 60, s: 1 / 3600, ms: 1 / 3_600_000, us: 1 / 3.6e9, µs: 1 / 3.6e9, ns: 1 / 3.6e12 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)];
  if (!parts.length || parts.map(p => p[0]).join('') !== duration) return undefined;
  const hours = parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
  return Math.round(hours * 1000) / 1000;
}
