import { approvalOutcome } from './approvalOutcome';

const approve = (actor: string) => ({ actor, decision: 'approve' as const });

describe('approvalOutcome', () => {
  it('is pending with no decisions', () => {
    expect(approvalOutcome([], 1)).toEqual({ state: 'pending', approvals: 0, remaining: 1 });
  });

  it('approves at N distinct approvals', () => {
    expect(approvalOutcome([approve('user:default/a')], 1).state).toBe('approved');
    expect(approvalOutcome([approve('user:default/a')], 2)).toEqual({
      state: 'pending',
      approvals: 1,
      remaining: 1,
    });
    expect(
      approvalOutcome([approve('user:default/a'), approve('user:default/b')], 2).state,
    ).toBe('approved');
  });

  it('counts one person once', () => {
    expect(
      approvalOutcome([approve('user:default/a'), approve('USER:default/A')], 2),
    ).toEqual({ state: 'pending', approvals: 1, remaining: 1 });
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
    });
  });

  it('treats a missing or invalid N as 1', () => {
    expect(approvalOutcome([approve('user:default/a')], 0).state).toBe('approved');
    expect(approvalOutcome([approve('user:default/a')], NaN).state).toBe('approved');
  });
});
