import { TestDatabases } from '@backstage/backend-test-utils';
import { KeyAlgorithmChoice } from '@kubecerts/backstage-plugin-certificates-common';
import { X509Certificate } from 'node:crypto';
import { applyDatabaseMigrations } from '../database';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { describeCertificate } from '../inventory/parsing';
import { BuiltinCa } from './BuiltinCa';
import { pemBlocks } from '../pki';
import { createTestCa } from '../__testUtils__';
import { leafRequest } from './__testUtils__/leafRequest';

describe('the leaf fields the built-in CA reports', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let ca: BuiltinCa;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations({ knex });
    ca = await createTestCa(knex);
  });

  async function sign(
    keyAlgorithm: KeyAlgorithmChoice,
    names: {
      commonName?: string;
      dnsNames?: string[];
      ipAddresses?: string[];
      uris?: string[];
    },
  ) {
    const { csrPem } = await generateKeyAndCsr({
      keyAlgorithm,
      dnsNames: ['unused.example.com'],
    });
    const signed = ca.sign({
      requestId: 'r-1',
      commonName: names.commonName,
      dnsNames: names.dnsNames ?? [],
      ipAddresses: names.ipAddresses ?? [],
      uris: names.uris ?? [],
      validityDays: 30,
      clientAuth: false,
      csrPem,
    });
    const parsed = describeCertificate(
      new X509Certificate(pemBlocks(signed.chainPem)[0].der),
    );
    return { signed, parsed };
  }

  it.each<[string, KeyAlgorithmChoice, Parameters<typeof sign>[1]]>([
    [
      'ECDSA P-256, CN and DNS names',
      'ECDSA-P256',
      {
        commonName: 'payments.example.com',
        dnsNames: ['payments.example.com', '*.api.payments.example.com'],
      },
    ],
    [
      'ECDSA P-384',
      'ECDSA-P384',
      { commonName: 'a.example.com', dnsNames: ['a.example.com'] },
    ],
    [
      'RSA 2048',
      'RSA-2048',
      { commonName: 'rsa.example.com', dnsNames: ['rsa.example.com'] },
    ],
    [
      'IP addresses (v4, v6, v4-mapped) and URIs',
      'ECDSA-P256',
      {
        commonName: 'svc.example.com',
        dnsNames: ['svc.example.com'],
        ipAddresses: [
          '10.1.2.3',
          '2001:db8::1',
          '::ffff:192.0.2.7',
          'fe80::1:2:3:4',
        ],
        uris: [
          'spiffe://cluster.local/ns/pay/sa/api',
          'https://x.example.com/a?b=c&d=%20',
        ],
      },
    ],
  ])(
    '%s: the same fields as a parse of the certificate',
    async (_label, key, names) => {
      const { signed, parsed } = await sign(key, names);
      expect(signed.leaf).toEqual(parsed);
    },
  );

  it('leaves names a parse would escape or quote to a parse', async () => {
    const { signed } = await sign('ECDSA-P256', {
      commonName: 'a.example.com',
      dnsNames: ['a.example.com'],
    });
    expect(signed.leaf).toBeDefined();
    const comma = await sign('ECDSA-P256', {
      commonName: 'a, b',
      dnsNames: ['a.example.com'],
    });
    expect(comma.signed.leaf).toBeUndefined();
    const quote = await sign('ECDSA-P256', {
      commonName: 'a.example.com',
      dnsNames: ['a.example.com'],
      uris: ['https://x.example.com/"q"'],
    });
    expect(quote.signed.leaf).toBeUndefined();
  });

  it('describes a leaf without a subject (names only in the SAN)', async () => {
    const { csrPem } = await generateKeyAndCsr({
      keyAlgorithm: 'ECDSA-P256',
      dnsNames: ['a.example.com'],
    });
    const signed = ca.sign(
      leafRequest(csrPem, { requestId: 'r-2', validityDays: 30 }),
    );
    const x = new X509Certificate(pemBlocks(signed.chainPem)[0].der);
    expect(signed.leaf).toMatchObject({
      subject: '',
      commonName: undefined,
      dnsNames: ['a.example.com'],
      serialNumber: x.serialNumber.toLowerCase(),
      notAfter: new Date(x.validTo).toISOString(),
      fingerprintSha256: x.fingerprint256.replace(/:/g, '').toLowerCase(),
      keyAlgorithm: 'EC',
      curve: 'P-256',
    });
  });
});
