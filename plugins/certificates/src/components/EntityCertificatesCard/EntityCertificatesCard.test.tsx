import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  paymentsComponent,
  installFakeBackend,
  base,
  failingGet,
  makeSummary,
  renderWithBackend,
  teamAGroup,
} from '../common/__testUtils__/fakeBackend';
import { EntityCertificatesCard } from './EntityCertificatesCard';

const component = paymentsComponent;

const backend = installFakeBackend();

const renderCard = (entity: Entity = component) =>
  renderWithBackend(
    <EntityProvider entity={entity}>
      <EntityCertificatesCard />
    </EntityProvider>,
  );

describe('EntityCertificatesCard', () => {
  it('shows counts by status, the nearest expiry and the findings', async () => {
    backend.certificates = [
      makeSummary(1, {
        status: 'critical',
        commonName: 'soon.example.com',
        findings: ['weak-key', 'self-signed'],
      }),
      makeSummary(40, { status: 'valid' }),
      makeSummary(41, { status: 'valid' }),
      makeSummary(20, { status: 'expiring' }),
      makeSummary(-2, { status: 'expired', notAfter: undefined }),
      makeSummary(50, { status: 'unparseable', notAfter: undefined }),
      makeSummary(60, { entityRef: 'component:default/other' }),
    ];
    await renderCard();

    expect(await screen.findByLabelText('Valid: 2')).toBeInTheDocument();
    expect(screen.getByLabelText('Expiring: 1')).toBeInTheDocument();
    expect(screen.getByLabelText('Critical: 1')).toBeInTheDocument();
    expect(screen.getByLabelText('Expired: 1')).toBeInTheDocument();
    expect(screen.getByLabelText('Other: 1')).toBeInTheDocument();
    expect(screen.getByText('soon.example.com')).toBeInTheDocument();
    expect(screen.getByText(/in 2 days/)).toBeInTheDocument();
    expect(screen.getByText('6 certificates, 2 findings')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /view certificates/i }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/certificates',
    );
    expect(
      backend.requests('/counts')[0].searchParams.getAll('entityRef'),
    ).toEqual(['component:default/payments']);
  });

  it('says why there are none and which annotation ties certificates to the entity', async () => {
    backend.certificates = [];
    await renderCard({
      ...component,
      metadata: { name: 'billing', namespace: 'default' },
    });
    expect(
      await screen.findByText('No certificates found for this entity.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/This entity has no such annotation yet/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'metadata.annotations: { backstage.io/kubernetes-id: billing }',
      ),
    ).toBeInTheDocument();
  });

  it('aggregates a group by owner', async () => {
    backend.certificates = [makeSummary(3)];
    await renderCard(teamAGroup);
    expect(
      await screen.findByText('1 certificate, no findings'),
    ).toBeInTheDocument();
    expect(backend.requests('/counts')[0].searchParams.getAll('owner')).toEqual(
      ['group:default/team-a'],
    );
  });

  it('shows the error of a failed request', async () => {
    backend.server.use(
      failingGet('/counts', 403, {
        name: 'NotAllowedError',
        message: 'not for you',
      }),
    );
    await renderCard();
    expect((await screen.findAllByText(/403/)).length).toBeGreaterThan(0);
  });

  it('shows progress while loading', async () => {
    let release = () => {};
    let entered = () => {};
    const asked = new Promise<void>(resolve => {
      entered = resolve;
    });
    backend.server.use(
      http.get(`${base}/counts`, async () => {
        await new Promise<void>(resolve => {
          release = resolve;
          entered();
        });
        return HttpResponse.json(backend.counts(new URLSearchParams()));
      }),
    );
    await renderCard();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    await asked;
    release();
    await waitFor(() =>
      expect(screen.queryByTestId('progress')).not.toBeInTheDocument(),
    );
  });
});
