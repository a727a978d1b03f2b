import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import userEvent from '@testing-library/user-event';
import { makeRequest } from './__testUtils__';
import { RequestsTable } from './RequestsTable';

const names = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(r => within(r).getAllByRole('cell')[0].textContent);

const hoursAgo = (h: number) =>
  new Date(Date.now() - h * 3600_000).toISOString();

describe('RequestsTable', () => {
  it('sorts newest first, re-sorts by a column and searches names, requester and issuer', async () => {
    const user = userEvent.setup();
    await renderInTestApp(
      <RequestsTable
        title="Certificate requests"
        requests={[
          makeRequest({
            id: 'a',
            commonName: 'b.example.com',
            createdAt: hoursAgo(3),
          }),
          makeRequest({
            id: 'b',
            commonName: 'c.example.com',
            createdAt: hoursAgo(1),
          }),
          makeRequest({
            id: 'c',
            commonName: 'a.example.com',
            requester: 'user:default/carol',
            createdAt: hoursAgo(2),
          }),
        ]}
        onSelect={() => {}}
        emptyContent={<span>none</span>}
      />,
    );
    expect(names()).toEqual([
      'c.example.com',
      'a.example.com',
      'b.example.com',
    ]);

    await user.click(screen.getByRole('button', { name: 'Certificate' }));
    expect(names()).toEqual([
      'a.example.com',
      'b.example.com',
      'c.example.com',
    ]);
    await user.click(screen.getByRole('button', { name: 'Certificate' }));
    expect(names()).toEqual([
      'c.example.com',
      'b.example.com',
      'a.example.com',
    ]);

    await user.type(screen.getByLabelText('Search requests'), 'CAROL');
    // The search box waits for a pause in typing.
    await waitFor(() => expect(names()).toEqual(['a.example.com']));
    await user.clear(screen.getByLabelText('Search requests'));
    await user.type(
      screen.getByLabelText('Search requests'),
      'nothing-like-it',
    );
    expect(await screen.findByText('none')).toBeInTheDocument();
  });

  it('pages past twenty requests and opens one from the keyboard', async () => {
    const user = userEvent.setup();
    const selected: string[] = [];
    await renderInTestApp(
      <RequestsTable
        title="Certificate requests"
        requests={Array.from({ length: 25 }, (_, i) =>
          makeRequest({
            id: `r${i}`,
            commonName: `svc-${String(i).padStart(2, '0')}.example.com`,
            createdAt: hoursAgo(i + 1),
          }),
        )}
        onSelect={id => selected.push(id)}
        emptyContent={<span>none</span>}
      />,
    );
    expect(names()).toHaveLength(20);
    expect(names()[0]).toBe('svc-00.example.com');
    await user.click(screen.getByRole('button', { name: /next page/i }));
    expect(names()).toEqual([
      'svc-20.example.com',
      'svc-21.example.com',
      'svc-22.example.com',
      'svc-23.example.com',
      'svc-24.example.com',
    ]);

    screen.getAllByRole('row')[1].focus();
    await user.keyboard('{Enter}');
    expect(selected).toEqual(['r20']);
  });
});
