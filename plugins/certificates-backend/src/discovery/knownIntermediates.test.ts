import {
  KubernetesApiSimulator,
  READ_ONLY_ACCESS,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { leafRequest } from '../ca/__testUtils__/leafRequest';
import { databaseSuite } from '../__testUtils__';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { certificateId } from '../inventory/parsing';
import { makeCa, makeLeaf, secretData } from '../inventory/parsing/testPki';

/*
 * A Secret that holds a leaf of the built-in CA without its issuing
 * certificate: the chain is completed with the intermediate the product
 * knows, as the plugin is wired (createServices), so the certificate is
 * trusted; a leaf of an unknown CA stays untrusted.
 */
describe('discovery completes chains with the built-in issuing CA', () => {
  const db = databaseSuite();

  db.test(
    'a built-in leaf stored without its intermediate is trusted, a stranger is not',
    async ({ harness }) => {
      const sim = await KubernetesApiSimulator.start();
      sim.addToken('reader', READ_ONLY_ACCESS, { user: 'discovery' });
      const h = await harness({
        certificates: {
          clusters: [
            {
              name: 'c1',
              url: sim.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: 'reader',
              skipTLSVerify: true,
            },
          ],
        },
      });
      try {
        const { csrPem, privateKeyPem } = await generateKeyAndCsr({
          keyAlgorithm: 'ECDSA-P256',
          dnsNames: ['a.example.com'],
        });
        const ours = await h.builtinCa.issue(
          leafRequest(csrPem, { requestId: 'r-known' }),
        );
        const leafOnly = ours.chainPem.split(
          /(?<=-----END CERTIFICATE-----)/,
        )[0];
        const strangerCa = await makeCa('Stranger Root');
        const strangerIssuing = await makeCa('Stranger Issuing', strangerCa);
        const stranger = await makeLeaf({
          issuer: strangerIssuing,
          dnsNames: ['b.example.com'],
        });
        const secret = (name: string, certPem: string, key: string) => ({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: 'apps', name },
          type: 'kubernetes.io/tls',
          data: secretData(certPem, key),
        });
        sim.apply(secret('ours', leafOnly, privateKeyPem));
        sim.apply(secret('stranger', stranger.certPem, stranger.keyPem));

        await h.discovery.start();
        const ids = ['ours', 'stranger'].map(n =>
          certificateId('c1', 'apps', n),
        );
        let rows = await h.inventoryStore.getRows(ids);
        for (let i = 0; i < 200 && rows.length < 2; i++) {
          await new Promise(r => setTimeout(r, 50));
          rows = await h.inventoryStore.getRows(ids);
        }
        const byName = new Map(rows.map(r => [r.secretName, r]));
        expect(byName.get('ours')?.details.chainTrusted).toBe(true);
        expect(byName.get('ours')?.findings).not.toContain('untrusted-chain');
        expect(byName.get('stranger')?.details.chainTrusted).toBe(false);
        expect(byName.get('stranger')?.findings).toContain('untrusted-chain');
      } finally {
        await h.discovery.stop();
        await h.stop();
        await sim.stop();
      }
    },
  );
});
