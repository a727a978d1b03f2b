import { approvalOutcome } from './approvalOutcome';

const approve = (actor: string) => ({ actor, decision: 'approve' as const });

describe('approvalOutcome', () => {
  it('is pending with no decisions', () => {
    expect(approvalOutcome([], 1)).toEqual({ state: 'pending', approvals: 0, remaining: 1, notCounted: [] });
  });

  it('approves at N distinct approvals', () => {
    expect(approvalOutcome([approve('user:default/a')], 1).state).toBe('approved');
    expect(approvalOutcome([approve('user:default/a')], 2)).toEqual({
      state: 'pending',
      approvals: 1,
      remaining: 1,
      notCounted: [],
    });
    expect(
      approvalOutcome([approve('user:default/a'), approve('user:default/b')], 2).state,
    ).toBe('approved');
  });

  it('counts one person once', () => {
    expect(
      approvalOutcome([approve('user:default/a'), approve('USER:default/A')], 2),
    ).toEqual({ state: 'pending', approvals: 1, remaining: 1, notCounted: [] });
  });

  it('ends with the first deny, whatever the approvals', () => {
    expect(
      approvalOutcome(
        [
          approve('user:default/a'),
          { actor: 'user:default/b', decision: 'deny', reason: 'wrong names' },
          approve('user:default/c'),
        ],
        2,
      ),
    ).toEqual({
      state: 'denied',
      approvals: 2,
      remaining: 0,
      deniedBy: { actor: 'user:default/b', reason: 'wrong names' },
      notCounted: [],
    });
  });

  it('counts only approvals of people who are approvers now', () => {
    const isApproverNow = (actor: string) => actor.toLowerCase() !== 'user:default/a';
    const a = approve('user:default/A');
    const b = approve('user:default/b');
    const c = approve('user:default/c');
    expect(approvalOutcome([a, b], 2, { isApproverNow })).toEqual({
      state: 'pending',
      approvals: 1,
      remaining: 1,
      notCounted: ['user:default/A'],
    });
    expect(approvalOutcome([a, b, c], 2, { isApproverNow })).toMatchObject({
      state: 'approved',
      approvals: 2,
      notCounted: ['user:default/A'],
    });
    // The removed approver approving again still does not count.
    expect(approvalOutcome([a, b, approve('user:default/a')], 2, { isApproverNow }).state).toBe(
      'pending',
    );
  });

  it('treats a missing or invalid N as 1', () => {
    expect(approvalOutcome([approve('user:default/a')], 0).state).toBe('approved');
    expect(approvalOutcome([approve('user:default/a')], NaN).state).toBe('approved');
  });
});
