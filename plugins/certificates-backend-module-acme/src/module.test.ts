import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as acme from 'acme-client';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  CertificateIssuer,
  certificatesIssuersExtensionPoint,
} from '@kubecerts/backstage-plugin-certificates-node';
import { AddressInfo } from 'node:net';
import {
  PEBBLE_BINARY,
  pebbleAvailable,
  PebbleServer,
  startPebble,
} from './__testUtils__/pebble';
import { certificatesModuleAcme } from './module';

const available = pebbleAvailable();
const describeWithPebble =
  available || process.env.CI ? describe : describe.skip;
if (!available && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(
    `\n!!! ${PEBBLE_BINARY} not found: the ACME module test is SKIPPED. !!!\n`,
  );
}

describeWithPebble('certificatesModuleAcme', () => {
  let pebble: PebbleServer;
  let dataDir: string;

  beforeAll(async () => {
    if (!available) {
      throw new Error(
        `${PEBBLE_BINARY} is missing and CI is set: install the Debian package 'pebble'`,
      );
    }
    pebble = await startPebble({ env: { PEBBLE_VA_ALWAYS_VALID: '1' } });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'acme-module-'));
  });

  afterAll(async () => {
    await pebble?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers one issuer per configured account, issues through it and serves http-01 tokens', async () => {
    const collected: CertificateIssuer[] = [];
    const issuerConfig = {
      directoryUrl: pebble.directoryUrl,
      email: 'pki@example.com',
      termsOfServiceAgreed: true,
      caBundle: pebble.tlsCaPem,
      caCertificateUrl: `${pebble.managementUrl}/roots/0`,
    };
    const backend = await startTestBackend({
      extensionPoints: [
        [
          certificatesIssuersExtensionPoint,
          { addIssuer: issuer => collected.push(issuer) },
        ],
      ],
      features: [
        certificatesModuleAcme,
        mockServices.rootConfig.factory({
          data: {
            certificates: {
              acme: {
                dataDir,
                issuers: [
                  {
                    id: 'pebble',
                    displayName: 'Pebble test CA',
                    ...issuerConfig,
                  },
                  {
                    id: 'pebble-dns',
                    ...issuerConfig,
                    challenge: {
                      type: 'dns-01',
                      webhook: {
                        url: 'http://127.0.0.1:9/hook',
                        timeout: '5s',
                      },
                    },
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    try {
      expect(collected.map(i => i.id)).toEqual(['pebble', 'pebble-dns']);
      const info = await collected[0].info();
      expect(info).toMatchObject({
        type: 'acme',
        displayName: 'Pebble test CA',
      });
      expect(info.caCertificate?.subject).toMatch(/Pebble Root CA/);

      const key = await acme.crypto.createPrivateEcdsaKey();
      const [, csr] = await acme.crypto.createCsr(
        { commonName: 'module.example.com' },
        key,
      );
      const issued = await collected[0].issue({
        requestId: 'module-1',
        commonName: 'module.example.com',
        dnsNames: ['module.example.com'],
        ipAddresses: [],
        uris: [],
        validityDays: 90,
        clientAuth: false,
        csrPem: csr.toString(),
      });
      expect(issued.chainPem).toContain('BEGIN CERTIFICATE');
      // Orders are in the database (shared by replicas), not in the data folder.
      expect(
        fs.existsSync(path.join(dataDir, 'acme', 'pebble', 'orders.json')),
      ).toBe(false);

      // The responder is on the root router, unauthenticated, and knows no stale token.
      const { port } = backend.server.address() as AddressInfo;
      const res = await fetch(
        `http://127.0.0.1:${port}/.well-known/acme-challenge/unknown-token`,
      );
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('unknown challenge token');
    } finally {
      await backend.stop();
    }
  });
});
