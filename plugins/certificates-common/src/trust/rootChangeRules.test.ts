import {
  canDecideTrustChange,
  rootCandidateReasons,
  trustChangeOutcome,
} from './rootChangeRules';
import { TrustChange } from './trustTypes';

const approvals = { required: 2, approvers: ['group:default/pki'] };
const change = (over: Partial<TrustChange> = {}): TrustChange => ({
  id: 'tc-1',
  action: 'add',
  fingerprint: 'AA',
  subject: 'CN=Root',
  requester: 'user:default/alice',
  reason: 'new root',
  state: 'pending',
  required: 2,
  createdAt: '2026-12-07T00:00:00.000Z',
  decisions: [],
  ...over,
});

describe('canDecideTrustChange', () => {
  const pki = ['group:default/pki'];

  it('lets an approver who is not the requester decide', () => {
    expect(
      canDecideTrustChange({
        change: change(),
        actor: 'user:default/bob',
        actorGroups: pki,
        approvals,
      }),
    ).toEqual({ allowed: true });
  });

  it('never lets the requester decide, whatever their groups', () => {
    const verdict = canDecideTrustChange({
      change: change(),
      actor: 'User:default/Alice',
      actorGroups: pki,
      approvals,
    });
    expect(verdict).toMatchObject({ allowed: false, refusal: 'own-request' });
  });

  it('counts one person once', () => {
    const verdict = canDecideTrustChange({
      change: change({
        decisions: [
          { actor: 'user:default/bob', decision: 'approve', at: 'x' },
        ],
      }),
      actor: 'user:default/bob',
      actorGroups: pki,
      approvals,
    });
    expect(verdict).toMatchObject({
      allowed: false,
      refusal: 'already-decided',
    });
  });

  it('refuses people outside the approver groups and decided changes', () => {
    expect(
      canDecideTrustChange({
        change: change(),
        actor: 'user:default/eve',
        actorGroups: ['group:default/dev'],
        approvals,
      }),
    ).toMatchObject({ allowed: false, refusal: 'not-an-approver' });
    expect(
      canDecideTrustChange({
        change: change({ state: 'approved' }),
        actor: 'user:default/bob',
        actorGroups: pki,
        approvals,
      }),
    ).toMatchObject({ allowed: false, refusal: 'not-pending' });
    expect(
      canDecideTrustChange({
        change: change(),
        actor: 'user:default/bob',
        actorGroups: pki,
        approvals: { required: 1, approvers: [] },
      }),
    ).toMatchObject({ allowed: false, refusal: 'no-approvers-configured' });
  });
});

describe('trustChangeOutcome', () => {
  it('needs N distinct approvals and ends on a deny', () => {
    const approvedBy = (...actors: string[]) =>
      trustChangeOutcome(
        change({
          decisions: actors.map(actor => ({
            actor,
            decision: 'approve' as const,
            at: 'x',
          })),
        }),
      );
    expect(approvedBy('user:default/b')).toMatchObject({
      state: 'pending',
      remaining: 1,
    });
    // The same person in another letter case counts once.
    expect(approvedBy('user:default/b', 'user:default/B')).toMatchObject({
      state: 'pending',
      remaining: 1,
    });
    expect(approvedBy('user:default/b', 'user:default/c')).toMatchObject({
      state: 'approved',
    });
    expect(
      trustChangeOutcome(
        change({
          decisions: [
            {
              actor: 'user:default/b',
              decision: 'deny',
              reason: 'no',
              at: 'x',
            },
          ],
        }),
      ),
    ).toMatchObject({
      state: 'denied',
      deniedBy: { actor: 'user:default/b', reason: 'no' },
    });
  });
});

describe('rootCandidateReasons', () => {
  const now = new Date('2026-12-07T00:00:00Z');
  const root = {
    isCa: true,
    keyCertSign: true,
    selfSigned: true,
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2036-01-01T00:00:00Z',
  };

  it('accepts a valid self-signed CA', () => {
    expect(rootCandidateReasons(root, { now })).toEqual([]);
  });

  it('gives every reason a certificate is refused', () => {
    const reasons = rootCandidateReasons(
      {
        ...root,
        isCa: false,
        keyCertSign: false,
        selfSigned: false,
        notAfter: '2026-06-01T00:00:00Z',
      },
      { now },
    );
    expect(reasons).toHaveLength(4);
    expect(reasons.join(' ')).toMatch(
      /CA:TRUE.*keyCertSign.*not self-signed.*expired/,
    );
  });

  it('accepts an intermediate only when allowed, and refuses one not yet valid', () => {
    expect(
      rootCandidateReasons(
        { ...root, selfSigned: false },
        { now, allowIntermediates: true },
      ),
    ).toEqual([]);
    expect(
      rootCandidateReasons(
        { ...root, notBefore: '2027-01-01T00:00:00Z' },
        { now },
      )[0],
    ).toMatch(/not valid before/);
  });
});
