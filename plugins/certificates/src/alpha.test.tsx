import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin, {
  entityCertificatesCard,
  entityCertificatesContent,
} from './alpha';
import { installFakeBackend } from './components/common/__testUtils__/fakeBackend';

const backend = installFakeBackend();

const entity = (kind: string, annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('certificates plugin (new frontend system)', () => {
  it.each([
    'api:certificates',
    'page:certificates',
    'entity-content:certificates',
    'entity-card:certificates',
    'home-page-widget:certificates/my-certificates',
    'page:certificates/approvals',
    'sub-page:certificates/approvals-queue',
    'sub-page:certificates/approvals-history',
    'sub-page:certificates/audit',
    'page:certificates/trust',
  ])('registers %s', id => {
    // The sub-pages' names are not literal types (one helper makes them), so the id type lacks them.
    expect(() => plugin.getExtension(id as any)).not.toThrow();
  });

  it('has no extension under an id it does not register', () => {
    expect(() =>
      plugin.getExtension('page:certificates/nothing' as any),
    ).toThrow();
  });

  it('puts the tab at /certificates on entities in Kubernetes, groups and systems only', () => {
    const tab = createExtensionTester(entityCertificatesContent);
    expect(tab.get(coreExtensionData.routePath)).toBe('/certificates');
    expect(tab.get(EntityContentBlueprint.dataRefs.title)).toBe('Certificates');
    const card = createExtensionTester(entityCertificatesCard);
    for (const filter of [
      tab.get(EntityContentBlueprint.dataRefs.filterFunction),
      card.get(EntityCardBlueprint.dataRefs.filterFunction),
    ]) {
      const inCluster = { 'backstage.io/kubernetes-id': 'payments' };
      expect(
        [
          entity('Component', inCluster),
          entity('Resource', inCluster),
          entity('System'),
          entity('Group'),
        ].map(e => filter!(e)),
      ).toEqual([true, true, true, true]);
      expect(filter!(entity('Component'))).toBe(false);
      expect(filter!(entity('User'))).toBe(false);
    }
  });

  it('serves the inventory at /certificates through its own API client', async () => {
    backend.issuers = [
      {
        id: 'builtin',
        type: 'builtin',
        displayName: 'Built-in CA',
        supportsRevocation: true,
        deliveries: ['csr'],
      },
    ];
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/certificates'],
      apis: [
        mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
        [
          permissionApiRef,
          { authorize: async () => ({ result: 'ALLOW' as const }) },
        ],
      ] as any,
    });
    expect(await screen.findByText('Built-in CA')).toBeInTheDocument();
    expect(screen.getByLabelText('Certificates: 0')).toBeInTheDocument();
    expect(backend.requests('/issuers')).toHaveLength(1);
  });
});
