import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import {
  FakeBackend,
  base,
  makeDetails,
  renderWithBackend,
} from '../common/__testUtils__/fakeBackend';
import { CertificateDetailsPanel } from './CertificateDetailsPanel';

const backend = new FakeBackend();
beforeEach(() => backend.install());

const details = makeDetails({});

describe('CertificateActions', () => {
  it('renews, says what happened and asks for the certificate again', async () => {
    const posted: string[] = [];
    backend.server.use(
      http.post(`${base}/certificates/:id/renew`, ({ params }) => {
        posted.push(params.id as string);
        return HttpResponse.json(
          {
            outcome: 'renewal-requested',
            request: {
              id: 'req-2',
              state: 'pending',
              pendingReason: 'the policy needs 2 approvals',
            },
          },
          { status: 201 },
        );
      }),
    );
    const onChanged = jest.fn();
    await renderWithBackend(
      <CertificateDetailsPanel
        certificate={{
          ...details,
          actions: {
            renew: { allowed: true },
            revoke: { allowed: false, reason: 'issued by cert-manager' },
          },
        }}
        onChanged={onChanged}
      />,
    );
    expect(screen.getByRole('button', { name: /Revoke/ })).toBeDisabled();
    expect(screen.getByText('Revoke: issued by cert-manager')).toBeVisible();
    fireEvent.click(screen.getByRole('button', { name: 'Renew' }));
    expect(
      await screen.findByText(
        'Renewal requested (req-2): waiting for approval, the policy needs 2 approvals.',
      ),
    ).toBeInTheDocument();
    expect(posted).toEqual([details.id]);
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('revokes with a reason and a comment after confirmation, and shows refusals in words', async () => {
    const bodies: unknown[] = [];
    let refuse = true;
    backend.server.use(
      http.post(`${base}/certificates/:id/revoke`, async ({ request }) => {
        bodies.push(await request.json());
        if (refuse) {
          // The shape of Backstage's error handler.
          return HttpResponse.json(
            {
              error: {
                name: 'ServiceUnavailableError',
                message: 'The CA is unreachable; nothing was revoked',
              },
              request: { method: 'POST', url: request.url },
              response: { statusCode: 503 },
            },
            { status: 503 },
          );
        }
        return HttpResponse.json({
          request: { id: 'req-1', state: 'issued' },
        });
      }),
    );
    const onChanged = jest.fn();
    await renderWithBackend(
      <CertificateDetailsPanel
        certificate={{
          ...details,
          actions: {
            renew: { allowed: false, reason: 'a renewal is already pending' },
            revoke: { allowed: true },
          },
        }}
        onChanged={onChanged}
      />,
    );
    expect(screen.getByRole('button', { name: 'Renew' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Revoke…' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.mouseDown(within(dialog).getByRole('button', { name: /Reason/ }));
    fireEvent.click(
      await screen.findByRole('option', { name: /Key compromise/ }),
    );
    fireEvent.change(within(dialog).getByRole('textbox', { name: /Comment/ }), {
      target: { value: 'key found in a public repository' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke certificate' }),
    );
    expect(
      await within(dialog).findByText(
        'The CA is unreachable; nothing was revoked',
      ),
    ).toBeInTheDocument();
    expect(onChanged).not.toHaveBeenCalled();

    refuse = false;
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke certificate' }),
    );
    expect(
      await screen.findByText(
        'Revoked (key compromise); request req-1 records it.',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(bodies).toEqual([
      {
        reason: 'keyCompromise',
        comment: 'key found in a public repository',
      },
      {
        reason: 'keyCompromise',
        comment: 'key found in a public repository',
      },
    ]);
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('shows no actions when the backend names none', async () => {
    await renderWithBackend(<CertificateDetailsPanel certificate={details} />);
    expect(screen.queryByRole('button', { name: 'Renew' })).toBeNull();
  });
});
