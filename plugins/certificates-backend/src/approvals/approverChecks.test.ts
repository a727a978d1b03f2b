import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { DecisionRefusal } from '@kubecerts/backstage-plugin-certificates-common';
import { assertDecisionAllowed, decisionReason } from './approverChecks';

describe('assertDecisionAllowed', () => {
  it('lets an allowed decision through', () => {
    expect(() => assertDecisionAllowed({ allowed: true })).not.toThrow();
  });

  it.each<{
    refusal: DecisionRefusal;
    error: typeof ConflictError | typeof NotAllowedError;
  }>([
    { refusal: 'not-pending', error: ConflictError },
    { refusal: 'already-decided', error: ConflictError },
    { refusal: 'own-request', error: NotAllowedError },
    { refusal: 'not-an-approver', error: NotAllowedError },
    { refusal: 'no-approvers-configured', error: NotAllowedError },
  ])(
    'answers a $refusal refusal with $error.name, naming the reason',
    ({ refusal, error }) => {
      const verdict = {
        allowed: false as const,
        refusal,
        reason: `why ${refusal}`,
      };
      expect(() => assertDecisionAllowed(verdict)).toThrow(error);
      expect(() => assertDecisionAllowed(verdict)).toThrow(`why ${refusal}`);
    },
  );
});

describe('decisionReason', () => {
  it('trims the reason and keeps none for an approval without one', () => {
    expect(decisionReason({ decision: 'deny', reason: '  too broad ' })).toBe(
      'too broad',
    );
    expect(decisionReason({ decision: 'approve', reason: '   ' })).toBe(
      undefined,
    );
  });

  it('refuses a denial without a reason', () => {
    expect(() => decisionReason({ decision: 'deny', reason: ' ' })).toThrow(
      InputError,
    );
    expect(() => decisionReason({ decision: 'deny' })).toThrow(
      'A reason is required to deny a request.',
    );
  });
});
