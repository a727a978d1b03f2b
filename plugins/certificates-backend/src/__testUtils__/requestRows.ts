import type { NewRequest } from '../requests/RequestStore';

// Plain data only: the crash suite's child process imports this outside jest.

export const SECURITY_GROUP = 'group:default/security';
export const PAYMENTS_TEAM = 'group:team-pay/payments-team';

/**
 * A request row as stores take it: payments.example.com for
 * component:default/payments, CSR delivery, approved. Tests change what
 * they are about.
 */
export function newRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    entityRef: 'component:default/payments',
    requester: 'user:default/alice',
    policyName: 'services',
    approvalsRequired: 1,
    approvers: [],
    commonName: 'payments.example.com',
    dnsNames: ['payments.example.com'],
    ipAddresses: [],
    uris: [],
    keyAlgorithm: 'ECDSA-P256',
    validityDays: 30,
    issuer: 'builtin',
    clientAuth: false,
    delivery: { kind: 'csr' },
    state: 'approved',
    ...overrides,
  };
}

/** A request that waits for one approval of the security group under `policyName`. */
export function awaitingApproval(
  policyName: string,
  overrides: Partial<NewRequest> = {},
): NewRequest {
  return newRequest({
    requester: 'user:default/dev',
    ownerRef: 'group:default/team-payments',
    policyName,
    approvers: [SECURITY_GROUP],
    state: 'pending',
    pendingReason: `policy ${policyName} requires approval`,
    ...overrides,
  });
}
