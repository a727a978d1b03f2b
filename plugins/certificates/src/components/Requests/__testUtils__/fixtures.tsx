import { ReactElement } from 'react';
import { setupServer } from 'msw/node';
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { certificatesApiRef, CertificatesClient } from '../../../api';

/** Where the real client sends its calls in tests. */
export const base = 'http://localhost:7007/api/certificates';

/** An msw server with Backstage's hooks (reset between tests, unhandled calls fail). */
export function setupMswServer() {
  const server = setupServer();
  registerMswTestHooks(server);
  return server;
}

/**
 * Renders with the real CertificatesClient over msw, signed in as
 * `userEntityRef`; the permission policy allows everything unless given.
 */
export function renderWithClient(
  ui: ReactElement,
  userEntityRef = 'user:default/alice',
  permissionApi: PermissionApi = mockApis.permission(),
) {
  const client = new CertificatesClient({
    discoveryApi: { getBaseUrl: async () => base },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [certificatesApiRef, client],
        [identityApiRef, mockApis.identity({ userEntityRef })],
        [permissionApiRef, permissionApi],
      ]}
    >
      {ui}
    </TestApiProvider>,
  );
}

let counter = 0;

/** A pending request with sensible defaults. */
export function makeRequest(
  overrides: Partial<CertificateRequest> = {},
): CertificateRequest {
  counter += 1;
  return {
    id: `req-${counter}`,
    entityRef: 'component:default/payments',
    commonName: 'payments.example.com',
    dnsNames: ['payments.example.com'],
    keyAlgorithm: 'ECDSA-P256',
    validityDays: 30,
    issuer: 'builtin',
    delivery: { kind: 'csr', csrFingerprint: 'ab:cd' },
    clientAuth: false,
    justification: 'Needed for the payments API',
    state: 'pending',
    requester: 'user:default/bob',
    requesterIsOwner: true,
    ownerRef: 'group:default/team-a',
    createdAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    updatedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    policyName: 'default',
    pendingReason: 'Policy "default" requires one approval',
    approvalsRequired: 1,
    approvers: ['group:default/security'],
    decisions: [],
    ...overrides,
  };
}
