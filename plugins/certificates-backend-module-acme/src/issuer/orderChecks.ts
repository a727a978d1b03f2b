/*
 * What the ACME issuer checks and reads around an order: the identifiers a
 * request may ask for, that the CSR names exactly those, and the issued
 * chain (it must certify the CSR's own key).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as acme from 'acme-client';
import { InputError } from '@backstage/errors';
import { IssuerInfo } from '@kubecerts/backstage-plugin-certificates-common';
import {
  IssuedCertificate,
  IssueRequest,
} from '@kubecerts/backstage-plugin-certificates-node';
import { splitCertificates } from './pem';

/** An identifier of an ACME order. */
export type AcmeIdentifier = { type: 'dns' | 'ip'; value: string };

/** The ACME identifiers for what was approved: CN and DNS names, IP addresses. */
export function identifiersOf(request: IssueRequest): AcmeIdentifier[] {
  if (request.uris.length > 0) {
    throw new InputError('ACME cannot certify URI names; choose another issuer');
  }
  const seen = new Set<string>();
  const out: AcmeIdentifier[] = [];
  const add = (value: string) => {
    const type = isIP(value) ? 'ip' : 'dns';
    const key = type === 'dns' ? value.toLowerCase() : value;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ type, value: key });
    }
  };
  if (request.commonName) {
    add(request.commonName);
  }
  request.dnsNames.forEach(add);
  request.ipAddresses.forEach(add);
  if (out.length === 0) {
    throw new InputError('Nothing to certify: the request has no names');
  }
  return out;
}

/**
 * What was approved is what is issued: the CSR must name exactly the approved
 * identifiers. The ACME server checks this too; checking first gives a clearer
 * error and avoids a wasted order.
 */
export function checkCsrNames(csrPem: string, identifiers: AcmeIdentifier[]) {
  let domains: { commonName: string | null; altNames: string[] };
  try {
    domains = acme.crypto.readCsrDomains(csrPem);
  } catch (e) {
    throw new InputError(`The CSR cannot be read: ${(e as Error).message}`);
  }
  const norm = (v: string) => (isIP(v) ? v : v.toLowerCase());
  const inCsr = new Set(
    [domains.commonName, ...domains.altNames].filter((v): v is string => !!v).map(norm),
  );
  const approved = new Set(identifiers.map(i => i.value));
  const extra = [...inCsr].filter(n => !approved.has(n));
  const missing = [...approved].filter(n => !inCsr.has(n));
  if (extra.length || missing.length) {
    throw new InputError(
      `The CSR names differ from the approved names (${[
        extra.length ? `not approved: ${extra.join(', ')}` : '',
        missing.length ? `missing: ${missing.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')})`,
    );
  }
}

export function toIssued(chainPem: string, csrPublicKey: Buffer): IssuedCertificate {
  const certs = splitCertificates(chainPem);
  if (certs.length === 0) {
    throw new Error('the ACME server returned no certificate');
  }
  const leaf = new X509Certificate(certs[0]);
  const leafKey = leaf.publicKey.export({ type: 'spki', format: 'der' });
  if (!leafKey.equals(csrPublicKey)) {
    throw new Error('the ACME server returned a certificate for another public key');
  }
  return {
    chainPem: certs.join(''),
    serialNumber: leaf.serialNumber.toUpperCase(),
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
  };
}

export function describeCertificate(pem: string): NonNullable<IssuerInfo['caCertificate']> {
  const cert = new X509Certificate(pem);
  return {
    subject: cert.subject,
    fingerprintSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    pem,
  };
}

export function normaliseSerial(serial: string): string {
  return serial.replace(/[:\s]/g, '').replace(/^0+/, '').toUpperCase();
}

/** Validates an account key from config at startup rather than at first use. */
export function assertPrivateKeyPem(pem: string, what: string) {
  try {
    createPrivateKey(pem);
  } catch (e) {
    throw new Error(`${what} is not a PEM private key: ${(e as Error).message}`);
  }
}
