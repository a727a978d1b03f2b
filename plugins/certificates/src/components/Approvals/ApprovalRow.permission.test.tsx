import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { mockApis } from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import * as fixtures from '../Requests/__testUtils__';
import { ApprovalsQueue } from './ApprovalsQueue';

const { base, makeRequest, renderWithClient } = fixtures;
const server = fixtures.setupMswServer();

// Ids of their own: permission answers are cached per resource for the page's lifetime.
const refused = makeRequest({
  id: 'r-perm-refused',
  commonName: 'refused.example.com',
  dnsNames: ['refused.example.com'],
});
const allowed = makeRequest({
  id: 'r-perm-allowed',
  commonName: 'allowed.example.com',
  dnsNames: ['allowed.example.com'],
});

describe('ApprovalRow and the permission policy', () => {
  it('offers no decision on a request the policy does not let this user approve, not even by key', async () => {
    const decisions: string[] = [];
    const asked: string[] = [];
    server.use(
      http.get(`${base}/issuers`, () => HttpResponse.json({ items: [] })),
      http.get(`${base}/approvals`, () =>
        HttpResponse.json({ items: [refused, allowed], totalCount: 2 }),
      ),
      http.post(`${base}/requests/:id/decision`, ({ params }) => {
        decisions.push(String(params.id));
        return HttpResponse.json({}, { status: 403 });
      }),
    );
    const user = userEvent.setup();
    await renderWithClient(
      <ApprovalsQueue />,
      'user:default/sam',
      mockApis.permission({
        authorize: request => {
          const ref = (request as { resourceRef?: string }).resourceRef;
          asked.push(`${request.permission.name} ${ref}`);
          return ref === refused.id
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW;
        },
      }),
    );
    const row = await screen.findByTestId(`approval-row-${refused.id}`);
    expect(
      await within(row).findByText('You may not decide this request.'),
    ).toBeInTheDocument();
    expect(
      within(row).queryByRole('button', {
        name: 'Approve refused.example.com',
      }),
    ).toBeNull();
    expect(
      within(row).queryByRole('button', { name: 'Deny refused.example.com' }),
    ).toBeNull();
    act(() => row.focus());
    await user.keyboard('a');
    await user.keyboard('d');
    expect(screen.queryByRole('dialog')).toBeNull();

    const other = screen.getByTestId(`approval-row-${allowed.id}`);
    expect(
      within(other).getByRole('button', {
        name: 'Approve allowed.example.com',
      }),
    ).toBeEnabled();
    expect(
      within(other).queryByText('You may not decide this request.'),
    ).toBeNull();
    await waitFor(() =>
      expect(asked).toEqual(
        expect.arrayContaining([
          `certificates.request.approve ${refused.id}`,
          `certificates.request.approve ${allowed.id}`,
        ]),
      ),
    );
    expect(decisions).toEqual([]);
  });
});
