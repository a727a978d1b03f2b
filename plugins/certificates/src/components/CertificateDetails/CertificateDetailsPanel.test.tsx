import { screen } from '@testing-library/react';
import {
  installFakeBackend,
  makeDetails,
  renderWithBackend,
} from '../common/__testUtils__/fakeBackend';
import { CertificateDetailsPanel } from './CertificateDetailsPanel';
import { elapsedFraction } from './ValidityBar';

installFakeBackend();

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
    expect(
      screen.getByText('CN=svc-0.example.com,O=Example'),
    ).toBeInTheDocument();
    expect(screen.getByText('EC P-256')).toBeInTheDocument();
    expect(screen.getByText('ecdsa-with-SHA256')).toBeInTheDocument();
    expect(screen.getByText('0a1b2c')).toBeInTheDocument();
    expect(screen.getByText(/^AB:AB:AB/)).toBeInTheDocument();
    expect(screen.getByText('trusted')).toBeInTheDocument();
    expect(screen.getByText('not trusted')).toBeInTheDocument();
    expect(screen.getByText('ClusterIssuer prod-ca')).toBeInTheDocument();
    expect(
      screen.getByText('False (Expired): certificate expired'),
    ).toBeInTheDocument();
    expect(screen.getByText('Certificate changed:')).toBeInTheDocument();
    expect(screen.getByText('ab… → cd…')).toBeInTheDocument();
    expect(screen.getByText(/The key is too weak/)).toBeInTheDocument();
    expect(
      screen.getByText(/What to do: Reissue the certificate/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Lifetime used' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/backstage.io\/kubernetes-id label on the Secret/),
    ).toBeInTheDocument();
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
