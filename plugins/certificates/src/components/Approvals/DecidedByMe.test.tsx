import { screen } from '@testing-library/react';
import { installFakeBackend } from '../common/__testUtils__/fakeBackend';
import { makeRequest, renderWithClient } from '../Requests/__testUtils__';
import { DecidedByMe } from './DecidedByMe';

const backend = installFakeBackend();

describe('DecidedByMe', () => {
  it('shows my decision, its reason and the state the request is in now', async () => {
    backend.decidedByMe = [
      makeRequest({
        commonName: 'denied.example.com',
        state: 'denied',
        decisions: [
          {
            actor: 'user:default/alice',
            decision: 'deny',
            reason: 'Wrong team',
            at: new Date().toISOString(),
          },
        ],
      }),
    ];
    await renderWithClient(<DecidedByMe />, 'user:default/alice');
    expect(await screen.findByText('denied.example.com')).toBeInTheDocument();
    expect(screen.getByText('Denied')).toBeInTheDocument();
    expect(screen.getByText('Wrong team')).toBeInTheDocument();
    expect(screen.getByText('denied')).toBeInTheDocument();
  });
});
