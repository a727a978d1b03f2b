import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload } from '@backstage/plugin-signals-node';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { withApprovalSignals } from './approvalSignals';

const request = (approvers: string[]) =>
  ({
    id: 'req-1',
    approvers,
    requester: 'user:default/dev',
    entityRef: 'component:default/payments',
  } as unknown as CertificateRequest);

function setup(options: { failPublish?: boolean } = {}) {
  const published: SignalPayload[] = [];
  const calls: string[] = [];
  const notifier = {
    async requestQueued(r: CertificateRequest) {
      calls.push(`queued ${r.id}`);
    },
    async requestDecided(r: CertificateRequest) {
      calls.push(`decided ${r.id}`);
    },
    async requestCancelled(r: CertificateRequest) {
      calls.push(`cancelled ${r.id}`);
    },
    async requestIssued(r: CertificateRequest) {
      calls.push(`issued ${r.id}`);
    },
  };
  const signals = {
    publish: async (signal: SignalPayload) => {
      if (options.failPublish) throw new Error('events down');
      published.push(signal);
    },
  };
  const wrapped = withApprovalSignals(notifier, {
    signals,
    logger: mockServices.logger.mock(),
  });
  return { wrapped, published, calls };
}

describe('withApprovalSignals', () => {
  it('tells only the approver groups that their queue changed, without naming the request', async () => {
    const { wrapped, published, calls } = setup();
    await wrapped.requestQueued(request(['group:default/security']));
    await wrapped.requestDecided(request(['group:default/security']));
    await wrapped.requestCancelled(request(['group:default/security']));
    expect(calls).toEqual(['queued req-1', 'decided req-1', 'cancelled req-1']);
    expect(published).toEqual([
      {
        recipients: { type: 'user', entityRef: ['group:default/security'] },
        channel: 'certificates:approvals',
        message: { event: 'queued' },
      },
      {
        recipients: { type: 'user', entityRef: ['group:default/security'] },
        channel: 'certificates:approvals',
        message: { event: 'decided' },
      },
      {
        recipients: { type: 'user', entityRef: ['group:default/security'] },
        channel: 'certificates:approvals',
        message: { event: 'cancelled' },
      },
    ]);
    expect(JSON.stringify(published)).not.toContain('req-1');
  });

  it('never broadcasts: a request without approvers signals nobody', async () => {
    const { wrapped, published, calls } = setup();
    await wrapped.requestQueued(request([]));
    expect(calls).toEqual(['queued req-1']);
    expect(published).toEqual([]);
  });

  it('keeps the other events of what it wraps as they were', async () => {
    const { wrapped, published, calls } = setup();
    await wrapped.requestIssued(request(['group:default/security']));
    expect(calls).toEqual(['issued req-1']);
    expect(published).toEqual([]);
  });

  it('does not fail a decision when signals cannot be published', async () => {
    const { wrapped, calls } = setup({ failPublish: true });
    await expect(
      wrapped.requestDecided(request(['group:default/security'])),
    ).resolves.toBeUndefined();
    expect(calls).toEqual(['decided req-1']);
  });
});
