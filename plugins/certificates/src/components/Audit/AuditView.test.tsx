import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuditRecord } from '@kubecerts/backstage-plugin-certificates-common';
import * as fixtures from '../Requests/__testUtils__';
import { AuditView } from './AuditView';

const { recordingGet, renderWithClient } = fixtures;
const server = fixtures.setupMswServer();

const record = (id: string, actor: string): AuditRecord => ({
  id,
  at: new Date().toISOString(),
  actor,
  action: 'approved',
  requestId: `req-${id}`,
  entityRef: 'component:default/payments',
  outcome: 'success',
});

describe('AuditView', () => {
  it('filters by actor and pages with the cursor', async () => {
    const seen: URLSearchParams[] = [];
    server.use(
      recordingGet('/audit', seen, query =>
        query.get('cursor') === 'c2'
          ? { items: [record('3', 'user:default/carol')] }
          : {
              items: [
                record('1', 'user:default/carol'),
                record('2', 'user:default/carol'),
              ],
              nextCursor: 'c2',
            },
      ),
    );
    const user = userEvent.setup();
    await renderWithClient(<AuditView pageSize={2} />);
    expect(await screen.findByText('req-1')).toBeInTheDocument();

    await user.click(screen.getByLabelText('Actor'));
    await user.paste('user:default/carol');
    await waitFor(() =>
      expect(seen[seen.length - 1].get('actor')).toBe('user:default/carol'),
    );
    expect(seen[seen.length - 1].get('limit')).toBe('2');

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('req-3')).toBeInTheDocument();
    expect(seen[seen.length - 1].get('cursor')).toBe('c2');
    expect(seen[seen.length - 1].get('actor')).toBe('user:default/carol');
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('req-1')).toBeInTheDocument();
  });

  it('filters by entity, action and time range', async () => {
    const seen: URLSearchParams[] = [];
    server.use(
      recordingGet('/audit', seen, query => ({
        items: query.get('action')
          ? [{ ...record('9', 'user:default/sam'), action: 'denied' }]
          : [record('1', 'user:default/sam')],
      })),
    );
    const user = userEvent.setup();
    await renderWithClient(<AuditView />);
    expect(await screen.findByText('req-1')).toBeInTheDocument();

    await user.click(screen.getByLabelText('Entity'));
    await user.paste('component:default/payments');
    await user.click(screen.getByLabelText('Action'));
    await user.click(await screen.findByRole('option', { name: 'denied' }));
    await user.type(screen.getByLabelText('From'), '2026-11-01T08:00');
    await user.type(screen.getByLabelText('To'), '2026-11-30T18:30');

    await waitFor(() => {
      const last = seen[seen.length - 1];
      expect(last.get('entityRef')).toBe('component:default/payments');
      expect(last.get('action')).toBe('denied');
      expect(last.get('from')).toBe(new Date('2026-11-01T08:00').toISOString());
      expect(last.get('to')).toBe(new Date('2026-11-30T18:30').toISOString());
    });
    expect(await screen.findByText('req-9')).toBeInTheDocument();
  });
});
