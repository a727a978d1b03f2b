import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import certificatesModuleDemoCluster from '@kubecerts/backstage-plugin-certificates-backend-module-demo-cluster';
import { eventually } from './__testUtils__/fixtures';
import { certificatesPlugin } from './plugin';

describe('the plugin with the simulated demo cluster', () => {
  const previous = process.env.KUBECONFIG;
  beforeAll(() => {
    // no kubeconfig on purpose: the demo cluster is the fallback
    process.env.KUBECONFIG = '/nonexistent/kubeconfig';
  });
  afterAll(() => {
    process.env.KUBECONFIG = previous;
  });

  it('discovers the demo certificates and serves them, with owners from the catalog', async () => {
    const { server } = await startTestBackend({
      features: [
        certificatesPlugin,
        certificatesModuleDemoCluster,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'payments-api',
                namespace: 'default',
                annotations: { 'backstage.io/kubernetes-id': 'payments-api' },
              },
              spec: {
                owner: 'team-payments',
                type: 'service',
                lifecycle: 'production',
              },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            certificates: { builtinCa: { encryptionKey: 'x'.repeat(40) } },
          },
        }),
      ],
    });
    const as = mockCredentials.user.header('user:default/sec');
    await eventually(async () => {
      const clusters = await request(server)
        .get('/api/certificates/clusters')
        .set('Authorization', as);
      expect(clusters.status).toBe(200);
      expect(clusters.body.items).toEqual([
        expect.objectContaining({ name: 'demo', simulated: true, state: 'ok' }),
      ]);
    }, 20_000);
    const list = await request(server)
      .get('/api/certificates/certificates?limit=500')
      .set('Authorization', as);
    expect(list.body.totalCount).toBeGreaterThan(5);
    const statuses = new Set(list.body.items.map((i: any) => i.status));
    expect([...statuses]).toEqual(
      expect.arrayContaining(['valid', 'expired', 'unparseable']),
    );
    const owned = list.body.items.filter(
      (i: any) => i.entityRef === 'component:default/payments-api',
    );
    expect(owned.length).toBeGreaterThan(0);
    expect(owned[0].ownerRef).toBe('group:default/team-payments');
    const trusted = list.body.items.filter(
      (i: any) =>
        i.status === 'valid' && !i.findings.includes('untrusted-chain'),
    );
    expect(trusted.length).toBeGreaterThan(0);
    await server.close?.();
  });

  it('does not start with a bad setting, and names it', async () => {
    await expect(
      startTestBackend({
        features: [
          certificatesPlugin,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({
            data: {
              backend: { baseUrl: 'http://localhost:7007' },
              certificates: {
                builtinCa: { encryptionKey: 'x'.repeat(40) },
                policies: [
                  { name: 'a', allowedDnsNames: ['a.example.com'] },
                  { name: 'b', allowedDnsNames: [], maxValidityDays: '30' },
                ],
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/certificates\.policies\[1\]\.maxValidityDays: /);
  });
});
