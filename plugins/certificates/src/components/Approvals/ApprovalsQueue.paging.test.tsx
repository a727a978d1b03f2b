import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FakeBackend,
  renderWithBackend,
} from '../common/__testUtils__/fakeBackend';
import { makeRequest } from '../Requests/__testUtils__';
import { ApprovalsQueue } from './ApprovalsQueue';

const backend = new FakeBackend();

describe('ApprovalsQueue paging', () => {
  beforeEach(() => {
    backend.install();
    backend.approvals = Array.from({ length: 70 }, (_, i) =>
      makeRequest({
        id: `q-${String(i).padStart(3, '0')}`,
        commonName: `svc-${i}.example.com`,
        dnsNames: [`svc-${i}.example.com`],
        createdAt: new Date(Date.now() - (100 - i) * 60_000).toISOString(),
      }),
    );
  });

  it('loads one page, counts all of them, and shows more on demand', async () => {
    const user = userEvent.setup();
    await renderWithBackend(<ApprovalsQueue pageSize={50} />);
    await screen.findByTestId('approval-row-q-000');
    expect(screen.getAllByTestId(/^approval-row-/)).toHaveLength(50);
    expect(screen.getByText('70 pending, 50 shown')).toBeInTheDocument();
    expect(
      backend.requests('/approvals').map(u => u.searchParams.get('limit')),
    ).toEqual(['50']);

    await user.click(
      screen.getByRole('button', { name: 'Show 20 more (20 not shown)' }),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId(/^approval-row-/)).toHaveLength(70),
    );
    expect(
      backend.requests('/approvals').map(u => u.searchParams.get('cursor')),
    ).toEqual([null, '50']);
    expect(screen.getByText('70 pending')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Show / }),
    ).not.toBeInTheDocument();
    const ids = screen
      .getAllByTestId(/^approval-row-/)
      .map(r => r.dataset.testid);
    expect(new Set(ids).size).toBe(70);
    expect(ids[0]).toBe('approval-row-q-000');
    expect(ids[69]).toBe('approval-row-q-069');
  });

  it('counts down as requests are decided', async () => {
    const user = userEvent.setup();
    await renderWithBackend(<ApprovalsQueue pageSize={50} />);
    const first = within(await screen.findByTestId('approval-row-q-000'));
    await user.click(first.getByLabelText('Select svc-0.example.com'));
    await user.click(
      within(screen.getByTestId('approval-row-q-001')).getByLabelText(
        'Select svc-1.example.com',
      ),
    );
    expect(
      screen.getByText('70 pending, 50 shown, 2 selected'),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Approve selected' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Approve',
      }),
    );
    expect(
      await screen.findByText('Approved 2 of 2 requests.'),
    ).toBeInTheDocument();
    expect(screen.getByText('68 pending, 48 shown')).toBeInTheDocument();
    expect(backend.approvals).toHaveLength(68);
  });
});
