import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import * as fixtures from './__testUtils__';
import { EntityRequestsList } from './EntityRequestsList';

const { base, failingGet, makeRequest, recordingGet, renderWithClient } =
  fixtures;
const server = fixtures.setupMswServer();

describe('EntityRequestsList', () => {
  it('lists the entity requests, narrows to mine and opens a request', async () => {
    const seen: URLSearchParams[] = [];
    const request = makeRequest({
      id: 'e1',
      commonName: 'shop.example.com',
      state: 'issued',
    });
    server.use(
      recordingGet('/requests', seen, () => ({ items: [request] })),
      http.get(`${base}/requests/e1`, () =>
        HttpResponse.json({ request, audit: [] }),
      ),
    );
    const user = userEvent.setup();
    await renderWithClient(
      <EntityRequestsList entityRef="component:default/shop" />,
    );
    expect(await screen.findByText('shop.example.com')).toBeInTheDocument();
    expect(seen[0].get('entityRef')).toBe('component:default/shop');
    expect(seen[0].has('mine')).toBe(false);

    await user.click(screen.getByLabelText('Only my requests'));
    await waitFor(() => expect(seen[seen.length - 1].get('mine')).toBe('true'));

    await user.click(screen.getByText('shop.example.com'));
    expect(
      await screen.findByRole('region', {
        name: 'Certificate request shop.example.com',
      }),
    ).toBeInTheDocument();
  });
});

describe('EntityRequestsList without requests', () => {
  it('says so in one line, without an empty table', async () => {
    server.use(
      http.get(`${base}/requests`, () => HttpResponse.json({ items: [] })),
    );
    await renderWithClient(
      <EntityRequestsList entityRef="component:default/shop" />,
    );
    expect(
      await screen.findByText('No certificate requests for this entity yet.'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Certificate requests')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Only my requests')).not.toBeInTheDocument();
  });

  it('shows the error when the requests cannot be read', async () => {
    server.use(
      failingGet('/requests', 403, {
        name: 'NotAllowedError',
        message: 'not yours',
      }),
    );
    await renderWithClient(
      <EntityRequestsList entityRef="component:default/shop" />,
    );
    expect((await screen.findAllByText(/not yours/)).length).toBeGreaterThan(0);
    expect(screen.queryByText('Certificate requests')).not.toBeInTheDocument();
  });
});
