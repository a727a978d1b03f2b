import { act, screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import {
  base,
  renderWithClient,
  setupMswServer,
} from '../Requests/__testUtils__';
import { ApprovalsNavIcon } from './ApprovalsNavIcon';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { mockApis } from '@backstage/test-utils';
import {
  FALLBACK_POLL_MS,
  announceApprovalsChanged,
} from './usePendingApprovalsCount';

/** A signals API whose messages the test sends. */
function fakeSignals() {
  const listeners = new Map<string, (message: object) => void>();
  return {
    api: {
      subscribe: (channel: string, onMessage: (message: object) => void) => {
        listeners.set(channel, onMessage);
        return { unsubscribe: () => listeners.delete(channel) };
      },
    },
    send: (channel: string, message: object) =>
      act(() => listeners.get(channel)?.(message)),
  };
}

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

  it('counts again when the backend signals that the queue changed, and does not poll', async () => {
    let pending = 3;
    let calls = 0;
    server.use(
      http.get(`${base}/approvals/count`, () => {
        calls += 1;
        return HttpResponse.json({ pending });
      }),
    );
    const signals = fakeSignals();
    const setInterval = jest.spyOn(window, 'setInterval');
    await renderWithClient(
      <ApprovalsNavIcon />,
      undefined,
      mockApis.permission(),
      [[signalApiRef, signals.api]],
    );
    expect(await screen.findByText('3')).toBeInTheDocument();
    expect(setInterval).not.toHaveBeenCalledWith(
      expect.anything(),
      FALLBACK_POLL_MS,
    );
    pending = 4;
    signals.send('certificates:approvals', { event: 'queued' });
    expect(await screen.findByText('4')).toBeInTheDocument();
    pending = 1;
    signals.send('certificates:approvals', { event: 'decided' });
    expect(await screen.findByText('1')).toBeInTheDocument();
    signals.send('some-other-channel', { event: 'decided' });
    expect(calls).toBe(3);
    setInterval.mockRestore();
  });

  it('polls slowly when the app has no signals plugin', async () => {
    const setInterval = jest.spyOn(window, 'setInterval');
    server.use(
      http.get(`${base}/approvals/count`, () =>
        HttpResponse.json({ pending: 5 }),
      ),
    );
    await renderWithClient(<ApprovalsNavIcon />);
    expect(await screen.findByText('5')).toBeInTheDocument();
    expect(setInterval).toHaveBeenCalledWith(
      expect.any(Function),
      FALLBACK_POLL_MS,
    );
    setInterval.mockRestore();
  });
});
