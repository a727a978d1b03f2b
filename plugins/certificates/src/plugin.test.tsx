import { screen } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  CertificatesPage,
  EntityCertificatesCard,
  EntityCertificatesContent,
  certificatesPlugin,
  certificatesApiRef,
} from './index';
import { Route, Routes } from 'react-router-dom';
import {
  FakeBackend,
  makeSummary,
  renderWithBackend,
} from './components/common/__testUtils__/fakeBackend';

const backend = new FakeBackend();
beforeEach(() => {
  backend.install();
  backend.certificates = [makeSummary(1, { commonName: 'legacy.example.com' })];
});

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { owner: 'team-a' },
};

describe('certificates plugin (legacy frontend system)', () => {
  it('registers the API client', () => {
    expect([...certificatesPlugin.getApis()].map(f => f.api.id)).toEqual([
      certificatesApiRef.id,
    ]);
    expect(certificatesPlugin.getId()).toBe('certificates');
  });

  it('renders the inventory page with its header', async () => {
    // The app gives a routable extension its path from the Route around it.
    await renderWithBackend(
      <Routes>
        <Route path="/certificates" element={<CertificatesPage />} />
      </Routes>,
      { routeEntries: ['/certificates'] },
    );
    expect(
      await screen.findByRole('heading', { name: 'Certificates', level: 1 }),
    ).toBeInTheDocument();
    expect(await screen.findByLabelText('Certificates: 1')).toBeInTheDocument();
  });

  it('renders the entity card and the entity tab', async () => {
    await renderWithBackend(
      <EntityProvider entity={entity}>
        <EntityCertificatesCard />
        <EntityCertificatesContent />
      </EntityProvider>,
    );
    expect(
      await screen.findByText('1 certificate, no findings'),
    ).toBeInTheDocument();
    expect(
      (await screen.findAllByText('legacy.example.com'))[0],
    ).toBeInTheDocument();
  });
});
