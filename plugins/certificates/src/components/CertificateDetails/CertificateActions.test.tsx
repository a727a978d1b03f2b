import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { mockApis } from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionApi } from '@backstage/plugin-permission-react';
import { CertificateActions } from '@kubecerts/backstage-plugin-certificates-common';
import {
  installFakeBackend,
  base,
  makeDetails,
  renderWithBackend,
} from '../common/__testUtils__/fakeBackend';
import { CertificateDetailsPanel } from './CertificateDetailsPanel';

const backend = installFakeBackend();

const details = makeDetails({});

/** The details of a certificate with its own id, under a given permission policy. */
const renderActions = (
  id: string,
  actions: CertificateActions,
  permissionApi?: PermissionApi,
  onChanged?: () => void,
) =>
  renderWithBackend(
    <CertificateDetailsPanel
      certificate={{ ...details, id, actions }}
      onChanged={onChanged}
    />,
    { permissionApi },
  );

// Permission answers are cached per permission and resource for the page's
// lifetime (as in the app), so each test below uses a certificate id of its own.
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
    await renderActions(
      details.id,
      {
        renew: { allowed: true },
        revoke: { allowed: false, reason: 'issued by cert-manager' },
      },
      undefined,
      onChanged,
    );
    expect(screen.getByRole('button', { name: /Revoke/ })).toBeDisabled();
    expect(screen.getByText('Revoke: issued by cert-manager')).toBeVisible();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Renew' })).toBeEnabled(),
    );
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
    await renderActions(
      details.id,
      {
        renew: { allowed: false, reason: 'a renewal is already pending' },
        revoke: { allowed: true },
      },
      undefined,
      onChanged,
    );
    expect(screen.getByRole('button', { name: 'Renew' })).toBeDisabled();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Revoke…' })).toBeEnabled(),
    );
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

  it('does not offer what the permission policy refuses, and nothing is sent', async () => {
    const asked: Array<{ name: string; resourceRef?: string }> = [];
    const posted: string[] = [];
    backend.server.use(
      http.post(`${base}/certificates/:id/:action`, ({ params }) => {
        posted.push(params.action as string);
        return HttpResponse.json({}, { status: 500 });
      }),
    );
    // A backend that would allow both: the policy's answer still hides them.
    await renderActions(
      'cert-renew-refused',
      { renew: { allowed: true }, revoke: { allowed: true } },
      mockApis.permission({
        authorize: request => {
          asked.push({
            name: request.permission.name,
            resourceRef: (request as { resourceRef?: string }).resourceRef,
          });
          return request.permission.name === 'certificates.certificate.renew'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW;
        },
      }),
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Revoke…' })).toBeEnabled(),
    );
    expect(screen.queryByRole('button', { name: /Renew/ })).toBeNull();
    expect(asked).toEqual(
      expect.arrayContaining([
        {
          name: 'certificates.certificate.renew',
          resourceRef: 'cert-renew-refused',
        },
        {
          name: 'certificates.certificate.revoke',
          resourceRef: 'cert-renew-refused',
        },
      ]),
    );
    expect(posted).toEqual([]);
  });

  it('shows nothing when the policy refuses both', async () => {
    const { container } = await renderActions(
      'cert-both-refused',
      { renew: { allowed: true }, revoke: { allowed: true } },
      mockApis.permission({ authorize: AuthorizeResult.DENY }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Revoke…' })).toBeNull(),
    );
    expect(screen.queryByRole('button', { name: 'Renew' })).toBeNull();
    expect(container).not.toHaveTextContent('Renew:');
  });

  it("follows the backend's verdict when the permission check itself fails", async () => {
    await renderActions(
      'cert-check-fails',
      {
        renew: { allowed: true },
        revoke: { allowed: false, reason: 'issued by cert-manager' },
      },
      {
        authorize: async () => {
          throw new Error('permission backend unreachable');
        },
      },
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Renew' })).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Revoke…' })).toBeDisabled();
    expect(screen.getByText('Revoke: issued by cert-manager')).toBeVisible();
  });
});
