/* Builders of inventory rows for tests. Test-only. */
import { ParsedCertificate } from '@kubecerts/backstage-plugin-certificates-common';
import { certificateId } from '../parsing';
import { InventoryRow } from './types';

export function testLeaf(
  overrides: Partial<ParsedCertificate> = {},
): ParsedCertificate {
  return {
    subject: 'CN=app.example.com',
    commonName: 'app.example.com',
    issuer: 'CN=Issuing CA',
    serialNumber: '01',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    dnsNames: ['app.example.com'],
    ipAddresses: [],
    uris: [],
    emails: [],
    keyAlgorithm: 'EC',
    curve: 'P-256',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    fingerprintSha256: 'f'.repeat(64),
    isCA: false,
    selfSigned: false,
    ...overrides,
  };
}

export function testRow(
  options: {
    cluster?: string;
    namespace?: string;
    name: string;
    leaf?: Partial<ParsedCertificate> | null;
  } & Partial<Omit<InventoryRow, 'details'>>,
): InventoryRow {
  const { cluster = 'c1', namespace = 'ns1', name, leaf, ...rest } = options;
  return {
    id: certificateId(cluster, namespace, name),
    cluster,
    namespace,
    secretName: name,
    resourceVersion: '1',
    status: 'valid',
    findings: [],
    details: {
      leaf: leaf === null ? undefined : testLeaf(leaf),
      chain: [],
      findingDetails: [],
      parseError: leaf === null ? 'garbage' : undefined,
    },
    chainPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    ...rest,
  };
}
