import { canDecide } from './canDecide';

const policy = {
  name: 'internal',
  approvals: { required: 2, approvers: ['group:default/security'] },
};
const pending = {
  state: 'pending' as const,
  requester: 'user:default/dev',
  decisions: [],
};
const security = ['user:default/sec1', 'group:default/security'];

describe('canDecide', () => {
  it('allows a member of an approver group', () => {
    expect(
      canDecide({ request: pending, actor: 'user:default/sec1', actorGroups: security, policy }),
    ).toEqual({ allowed: true });
  });

  it('compares refs case-insensitively', () => {
    expect(
      canDecide({
        request: pending,
        actor: 'user:default/Sec1',
        actorGroups: ['Group:Default/Security'],
        policy,
      }).allowed,
    ).toBe(true);
  });

  it('refuses the requester, even when an approver', () => {
    expect(
      canDecide({
        request: { ...pending, requester: 'user:default/sec1' },
        actor: 'USER:default/sec1',
        actorGroups: security,
        policy,
      }),
    ).toMatchObject({ allowed: false, refusal: 'own-request' });
  });

  it('refuses a request recorded under one of the actor\'s other identities', () => {
    const inCluster = { ...pending, requester: 'Sec1@Example.com' };
    expect(
      canDecide({
        request: inCluster,
        actor: 'user:default/sec1',
        actorGroups: security,
        actorAliases: ['sec1@example.com', 'oidc:sec1'],
        policy,
      }),
    ).toMatchObject({ allowed: false, refusal: 'own-request' });
    expect(
      canDecide({
        request: inCluster,
        actor: 'user:default/sec2',
        actorGroups: ['user:default/sec2', 'group:default/security'],
        actorAliases: ['sec2@example.com', ''],
        policy,
      }).allowed,
    ).toBe(true);
  });

  it('refuses someone outside the approver groups', () => {
    expect(
      canDecide({
        request: pending,
        actor: 'user:default/other',
        actorGroups: ['user:default/other', 'group:default/team-a'],
        policy,
      }),
    ).toMatchObject({
      allowed: false,
      refusal: 'not-an-approver',
      reason: expect.stringContaining('group:default/security'),
    });
  });

  it('refuses a second decision by the same person', () => {
    expect(
      canDecide({
        request: { ...pending, decisions: [{ actor: 'user:default/sec1' }] },
        actor: 'user:default/sec1',
        actorGroups: security,
        policy,
      }),
    ).toMatchObject({ allowed: false, refusal: 'already-decided' });
    expect(
      canDecide({
        request: pending,
        actor: 'user:default/sec1',
        actorGroups: security,
        policy,
        alreadyDecided: true,
      }),
    ).toMatchObject({ allowed: false, refusal: 'already-decided' });
  });

  it.each(['approved', 'issuing', 'issued', 'failed', 'denied', 'cancelled'] as const)(
    'refuses a %s request',
    state => {
      expect(
        canDecide({
          request: { ...pending, state },
          actor: 'user:default/sec1',
          actorGroups: security,
          policy,
        }),
      ).toMatchObject({ allowed: false, refusal: 'not-pending' });
    },
  );

  it('refuses everyone when no approver group is configured or no policy applies', () => {
    expect(
      canDecide({
        request: pending,
        actor: 'user:default/sec1',
        actorGroups: security,
        policy: { name: 'open' },
      }),
    ).toMatchObject({ allowed: false, refusal: 'no-approvers-configured' });
    expect(
      canDecide({ request: pending, actor: 'user:default/sec1', actorGroups: security }),
    ).toMatchObject({ allowed: false, refusal: 'no-approvers-configured' });
  });
});
