import { decisionReason } from './decisionReason';

describe('decisionReason', () => {
  it.each([
    ['approve', undefined, undefined, false],
    ['approve', '  ', undefined, false],
    ['approve', ' fine ', 'fine', false],
    ['deny', undefined, undefined, true],
    ['deny', ' \n ', undefined, true],
    ['deny', ' not ours ', 'not ours', false],
  ] as const)(
    '%s with %p: reason %p, missing %p',
    (decision, reason, recorded, missing) => {
      expect(decisionReason(decision, reason)).toEqual({
        reason: recorded,
        missing,
      });
    },
  );
});
