import { act, screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import {
  base,
  renderWithClient,
  setupMswServer,
} from '../Requests/__testUtils__';
import { ApprovalsNavIcon } from './ApprovalsNavIcon';
import { announceApprovalsChanged } from './usePendingApprovalsCount';

const server = setupMswServer();

describe('ApprovalsNavIcon', () => {
  it('shows the pending count as a badge', async () => {
    server.use(
      http.get(`${base}/approvals/count`, () =>
        HttpResponse.json({ pending: 7 }),
      ),
    );
    await renderWithClient(<ApprovalsNavIcon />);
    expect(await screen.findByText('7')).toBeInTheDocument();
    expect(
      screen.getByLabelText('7 requests waiting for approval'),
    ).toBeInTheDocument();
  });

  it('counts again as soon as the queue announces decisions', async () => {
    let pending = 7;
    server.use(
      http.get(`${base}/approvals/count`, () => HttpResponse.json({ pending })),
    );
    await renderWithClient(<ApprovalsNavIcon />);
    expect(await screen.findByText('7')).toBeInTheDocument();
    pending = 2;
    act(() => announceApprovalsChanged());
    expect(await screen.findByText('2')).toBeInTheDocument();
  });

  it('shows no badge to someone who may not approve', async () => {
    server.use(
      http.get(`${base}/approvals/count`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'no' },
            request: {},
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const { container } = await renderWithClient(<ApprovalsNavIcon />);
    await new Promise(r => setTimeout(r, 50));
    expect(container.querySelector('.MuiBadge-invisible')).not.toBeNull();
  });
});
