/** RFC 5280 CRLReason codes by name. */
const REASONS: Record<string, number> = {
  unspecified: 0,
  keycompromise: 1,
  cacompromise: 2,
  affiliationchanged: 3,
  superseded: 4,
  cessationofoperation: 5,
  certificatehold: 6,
  privilegewithdrawn: 9,
  aacompromise: 10,
};

/**
 * The RFC 5280 reason code for a reason given as its name in any spelling
 * ("keyCompromise", "key-compromise", "Key compromise"); undefined for free
 * text, which the CA then records as unspecified.
 */
export function revocationReasonCode(reason?: string): number | undefined {
  if (!reason) {
    return undefined;
  }
  return REASONS[reason.toLowerCase().replace(/[^a-z]/g, '')];
}
