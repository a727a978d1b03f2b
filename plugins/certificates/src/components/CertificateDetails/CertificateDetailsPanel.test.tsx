import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import {
  base,
  installFakeBackend,
  makeDetails,
  renderWithBackend,
} from '../common/__testUtils__/fakeBackend';
import { expectTexts } from '../common/__testUtils__/expectTexts';
import { CertificateDetailsPanel } from './CertificateDetailsPanel';
import { elapsedFraction } from './ValidityBar';

const backend = installFakeBackend();

const managed = makeDetails({
  certManager: {
    name: 'web',
    namespace: 'payments',
    issuerRef: { name: 'prod-ca', kind: 'ClusterIssuer' },
    ready: {
      status: 'False',
      reason: 'Expired',
      message: 'certificate expired',
    },
  },
  findings: ['weak-key'],
  history: [
    { at: '2026-10-01T00:00:00Z', event: 'first-seen' },
    { at: '2026-11-01T00:00:00Z', event: 'changed', detail: 'ab… → cd…' },
  ],
});

describe('CertificateDetailsPanel', () => {
  it('shows the certificate, its chain, usage, cert-manager state, history and explained findings', async () => {
    await renderWithBackend(<CertificateDetailsPanel certificate={managed} />);
    expectTexts([
      'CN=svc-0.example.com,O=Example',
      'EC P-256',
      'ecdsa-with-SHA256',
      '0a1b2c',
      /^AB:AB:AB/,
      'trusted',
      'not trusted',
      'ClusterIssuer prod-ca',
      'False (Expired): certificate expired',
      'Certificate changed:',
      'ab… → cd…',
      /The key is too weak/,
      /What to do: Reissue the certificate/,
    ]);
    expect(
      screen.getByRole('progressbar', { name: 'Lifetime used' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/backstage.io\/kubernetes-id label on the Secret/),
    ).toBeInTheDocument();
    // A live Secret's last-seen time is refreshed only every few hours.
    expect(
      screen.getByText(/Updated when the Secret changes, and otherwise/),
    ).toBeInTheDocument();
  });

  it("shows where an endpoint's certificate is served and how its last scan went, instead of a Secret", async () => {
    const served = makeDetails({
      id: 'endpoint-shop',
      location: 'endpoint',
      cluster: undefined,
      namespace: '',
      secretName: 'shop.example.com:8443',
    });
    backend.server.use(
      http.get(`${base}/certificates/:id/endpoint`, ({ params }) =>
        HttpResponse.json({
          id: params.id,
          host: 'shop.example.com',
          port: 8443,
          source: 'gateway',
          origin: 'prod/Gateway/edge/gw',
          resolvedAddress: '192.0.2.7',
          lastAttemptAt: '2026-11-28T11:00:00Z',
          lastSeenAt: '2026-11-27T11:00:00Z',
          lastError: 'the TLS handshake did not complete within 5 s',
        }),
      ),
    );
    await renderWithBackend(<CertificateDetailsPanel certificate={served} />);
    expect(await screen.findByText('192.0.2.7')).toBeInTheDocument();
    expectTexts([
      'Where it is served',
      'shop.example.com:8443',
      'a Gateway TLS listener (prod/Gateway/edge/gw)',
      'the TLS handshake did not complete within 5 s',
    ]);
    expect(screen.queryByText('Cluster')).not.toBeInTheDocument();
  });

  it('computes the lifetime used', () => {
    const now = new Date('2026-01-11T00:00:00Z');
    expect(
      elapsedFraction('2026-01-01T00:00:00Z', '2026-01-21T00:00:00Z', now),
    ).toBe(0.5);
    expect(
      elapsedFraction('2026-01-01T00:00:00Z', '2026-01-05T00:00:00Z', now),
    ).toBe(1);
  });
});
