import { revocationReasonCode } from './revocationReasons';

describe('revocationReasonCode', () => {
  it('maps RFC 5280 reason names in any spelling, and free text to none', () => {
    expect(revocationReasonCode('keyCompromise')).toBe(1);
    expect(revocationReasonCode('key-compromise')).toBe(1);
    expect(revocationReasonCode('Cessation of operation')).toBe(5);
    expect(revocationReasonCode('superseded')).toBe(4);
    expect(revocationReasonCode('the team left')).toBeUndefined();
    expect(revocationReasonCode(undefined)).toBeUndefined();
  });
});
