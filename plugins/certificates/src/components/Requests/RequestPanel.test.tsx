import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import {
  base,
  makeRequest,
  renderWithClient,
  setupMswServer,
} from './__testUtils__';
import { expectTexts } from '../common/__testUtils__/expectTexts';
import { RequestPanel } from './RequestPanel';

const server = setupMswServer();

function serve(request: CertificateRequest) {
  server.use(
    http.get(`${base}/requests/${request.id}`, () =>
      HttpResponse.json({ request, audit: [] }),
    ),
  );
}

describe('RequestPanel', () => {
  it('lets the requester cancel a pending request', async () => {
    const request = makeRequest({ id: 'p1', requester: 'user:default/alice' });
    serve(request);
    let cancelled = false;
    server.use(
      http.post(`${base}/requests/p1/cancel`, () => {
        cancelled = true;
        return HttpResponse.json({ ...request, state: 'cancelled' });
      }),
    );
    const user = userEvent.setup();
    await renderWithClient(
      <RequestPanel requestId="p1" />,
      'user:default/alice',
    );
    await user.click(
      await screen.findByRole('button', { name: 'Cancel request' }),
    );
    await waitFor(() =>
      expect(
        screen.getByLabelText('Request state: cancelled'),
      ).toBeInTheDocument(),
    );
    expect(cancelled).toBe(true);
    expect(
      screen.queryByRole('button', { name: 'Cancel request' }),
    ).not.toBeInTheDocument();
  });

  it('says when a renewal was issued and its certificate revoked', async () => {
    serve(
      makeRequest({
        id: 'r2',
        state: 'issued',
        renewalOf: 'r1',
        serialNumber: '0A1B',
        revokedAt: '2026-11-29T10:00:00.000Z',
        revocationReason: 'keyCompromise',
      }),
    );
    await renderWithClient(
      <RequestPanel requestId="r2" />,
      'user:default/alice',
    );
    expect(
      await screen.findByText(/Its certificate was revoked on/),
    ).toHaveTextContent(/\(keyCompromise\)\.$/);
    expect(screen.getByText(/^Renewal of$/i)).toBeInTheDocument();
    expect(screen.getByText('r1')).toBeInTheDocument();
  });

  it('offers no cancel to someone else', async () => {
    serve(makeRequest({ id: 'p2', requester: 'user:default/bob' }));
    await renderWithClient(
      <RequestPanel requestId="p2" />,
      'user:default/alice',
    );
    await screen.findByLabelText('Request state: pending');
    expect(
      screen.queryByRole('button', { name: 'Cancel request' }),
    ).not.toBeInTheDocument();
  });

  it('polls until issued, then offers the chain of a CSR request for download', async () => {
    const request = makeRequest({ id: 'p3', state: 'issuing' });
    let calls = 0;
    server.use(
      http.get(`${base}/requests/p3`, () => {
        calls += 1;
        const state = calls >= 2 ? 'issued' : 'issuing';
        return HttpResponse.json({ request: { ...request, state }, audit: [] });
      }),
      http.get(`${base}/requests/p3/chain.pem`, () =>
        HttpResponse.text(
          '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n',
        ),
      ),
    );
    const createObjectURL = jest.fn(() => 'blob:chain');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const user = userEvent.setup();
    await renderWithClient(<RequestPanel requestId="p3" pollIntervalMs={50} />);
    await screen.findByLabelText('Request state: issuing');
    const download = await screen.findByRole('button', {
      name: 'Download certificate chain (PEM)',
    });
    await user.click(download);
    await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(1));
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    expect(await blob.text()).toContain('BEGIN CERTIFICATE');
    // Terminal: polling stops.
    const seen = calls;
    await new Promise(r => setTimeout(r, 200));
    expect(calls).toBe(seen);
  });

  it('shows who denied it and why', async () => {
    serve(
      makeRequest({
        id: 'p4',
        state: 'denied',
        decisions: [
          {
            actor: 'user:default/carol',
            decision: 'deny',
            reason: 'Use the shared wildcard',
            at: new Date().toISOString(),
          },
        ],
      }),
    );
    await renderWithClient(<RequestPanel requestId="p4" />);
    const decisions = await screen.findByRole('list', { name: 'Decisions' });
    expect(
      within(decisions).getByText(/Denied by user:default\/carol/),
    ).toBeInTheDocument();
    expect(
      within(decisions).getByText('Use the shared wildcard'),
    ).toBeInTheDocument();
  });

  it('shows everything the certificate will contain: names of every type, key, usages and validity', async () => {
    serve(
      makeRequest({
        id: 'p9',
        commonName: 'pay.example.com',
        dnsNames: ['pay.example.com', 'api.pay.example.com'],
        ipAddresses: ['10.0.0.7'],
        uris: ['spiffe://example.com/pay'],
        clientAuth: true,
        keyAlgorithm: 'RSA-3072',
        validityDays: 90,
      }),
    );
    await renderWithClient(
      <RequestPanel requestId="p9" />,
      'user:default/alice',
    );
    const requested = await screen.findByTestId('requested-certificate');
    expectTexts(
      [
        'pay.example.com, api.pay.example.com',
        '10.0.0.7',
        'spiffe://example.com/pay',
        'server auth, client auth',
        'digital signature, key encipherment',
        'RSA 3072',
        '90 days (2160h)',
        'no',
      ],
      requested,
    );
    expect(
      within(requested).queryByText(/A CA certificate/),
    ).not.toBeInTheDocument();
  });
});
