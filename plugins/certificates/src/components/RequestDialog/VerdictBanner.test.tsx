import { render, screen } from '@testing-library/react';
import { ValidationResult } from '@kubecerts/backstage-plugin-certificates-common';
import { VerdictBanner } from './VerdictBanner';

function show(result: ValidationResult) {
  render(
    <VerdictBanner validation={{ result, pending: false }} general={[]} />,
  );
}

describe('VerdictBanner', () => {
  it("says an owner's compliant request is approved automatically", () => {
    show({
      ok: true,
      violations: [],
      policyName: 'payments',
      autoApprove: true,
      requesterIsOwner: true,
    });
    expect(
      screen.getByText(/Will be approved automatically by policy "payments"/),
    ).toBeInTheDocument();
  });

  it("says a non-owner's request will wait for approval, and why", () => {
    show({
      ok: true,
      violations: [],
      policyName: 'payments',
      autoApprove: false,
      requesterIsOwner: false,
      pendingReason:
        'requested by user:default/carol, who is not an owner of component:default/payments-api (owner group:default/payments)',
    });
    expect(
      screen.getByText(/will wait for approval: you are not an owner/i),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /who is not an owner of component:default\/payments-api/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/approved automatically by/),
    ).not.toBeInTheDocument();
  });

  it("keeps the policy's own reason for an owner's queued request", () => {
    show({
      ok: true,
      violations: [],
      policyName: 'payments',
      autoApprove: false,
      requesterIsOwner: true,
      pendingReason: 'Policy payments requires approval',
    });
    expect(
      screen.getByText(
        /queued for approval \(policy "payments"\): Policy payments requires approval/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/not an owner/)).not.toBeInTheDocument();
  });
});
